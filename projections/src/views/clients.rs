//! Client records with their saved emails, portal status, invite and access.
//! Each client is folded with the domain's own `Client::evolve`.

use crate::bulk::{Columns, Table, select_in};
use crate::convert::{id, micros, parse_id, timestamp};
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, decode, stream_id};
use crate::tx::{Fields, Kind, Row, Tx};
use async_trait::async_trait;
use cma_domain::Aggregate;
use cma_domain::access::Sections;
use cma_domain::client::{Client, ClientEvent, Invite};
use cma_domain::ids::ClientId;
use cma_store::Recorded;
use std::collections::HashMap;

pub struct ClientsView;

const CLIENT_COLUMNS: &[&str] = &[
    "client_id",
    "team_id",
    "name",
    "status",
    "invite_email",
    "invited_by",
    "invited_at",
    "activated",
    "enabled",
    "quotes",
    "invoices",
    "files",
    "meetings",
    "messages",
    "created_at",
    "notifications_email",
];
const EMAIL_COLUMNS: &[&str] = &["client_id", "ord", "email"];

/// A client folded so far, and when it was created.
struct Doc {
    client: Client,
    created_at: i64,
}

/// The five section toggle columns of `clients`.
#[derive(sqlx::FromRow)]
pub(crate) struct SectionColumns {
    quotes: i64,
    invoices: i64,
    files: i64,
    meetings: i64,
    messages: i64,
}

impl SectionColumns {
    pub(crate) fn sections(&self) -> Sections {
        Sections {
            quotes: self.quotes != 0,
            invoices: self.invoices != 0,
            files: self.files != 0,
            meetings: self.meetings != 0,
            messages: self.messages != 0,
        }
    }
}

/// What a later batch reads back of a client.
const CLIENT_READ: &Columns = &[
    ("client_id", Kind::Text),
    ("team_id", Kind::Text),
    ("name", Kind::Text),
    ("invite_email", Kind::Text),
    ("invited_by", Kind::Text),
    ("invited_at", Kind::Int),
    ("activated", Kind::Int),
    ("enabled", Kind::Int),
    ("quotes", Kind::Int),
    ("invoices", Kind::Int),
    ("files", Kind::Int),
    ("meetings", Kind::Int),
    ("messages", Kind::Int),
    ("created_at", Kind::Int),
    ("notifications_email", Kind::Int),
];
/// What a later batch reads back of a client's email address.
const EMAIL_READ: &Columns = &[
    ("client_id", Kind::Text),
    ("ord", Kind::Int),
    ("email", Kind::Text),
];

fn doc(mut f: Fields) -> Result<(ClientId, Doc), ProjectionError> {
    let id: ClientId = parse_id(&f.text()?)?;
    let team = parse_id(&f.text()?)?;
    let name = f.text()?;
    let invite = match (f.opt_text()?, f.opt_text()?, f.opt_int()?) {
        (Some(email), Some(by), Some(at)) => Some(Invite {
            email,
            by: parse_id(&by)?,
            at: timestamp(at)?,
        }),
        _ => None,
    };
    let (activated, enabled) = (f.int()? != 0, f.int()? != 0);
    let sections = SectionColumns {
        quotes: f.int()?,
        invoices: f.int()?,
        files: f.int()?,
        meetings: f.int()?,
        messages: f.int()?,
    }
    .sections();
    let client = Client {
        exists: true,
        id,
        team,
        name,
        emails: Vec::new(),
        invite,
        activated,
        enabled,
        sections,
        email_notifications: true,
    };
    let created_at = f.int()?;
    let client = Client {
        email_notifications: f.int()? != 0,
        ..client
    };
    Ok((id, Doc { client, created_at }))
}

fn client_row(doc: &Doc) -> Row {
    let c = &doc.client;
    let invite = c.invite.as_ref();
    vec![
        id(c.id.0).into(),
        id(c.team.0).into(),
        c.name.as_str().into(),
        c.portal_status().as_str().into(),
        invite.map(|i| i.email.clone()).into(),
        invite.map(|i| id(i.by.0)).into(),
        invite.map(|i| micros(i.at)).into(),
        c.activated.into(),
        c.enabled.into(),
        c.sections.quotes.into(),
        c.sections.invoices.into(),
        c.sections.files.into(),
        c.sections.meetings.into(),
        c.sections.messages.into(),
        doc.created_at.into(),
        c.email_notifications.into(),
    ]
}

async fn load(
    tx: &mut dyn Tx,
    tables: &TableNames,
    ids: Vec<String>,
) -> Result<HashMap<ClientId, Doc>, ProjectionError> {
    let mut docs = HashMap::new();
    let clients = tables.of("clients");
    for fields in select_in(tx, &clients, CLIENT_READ, "client_id", ids.clone()).await? {
        let (id, doc) = doc(fields)?;
        docs.insert(id, doc);
    }
    let mut emails = Vec::new();
    for mut f in select_in(
        tx,
        &tables.of("client_emails"),
        EMAIL_READ,
        "client_id",
        ids,
    )
    .await?
    {
        emails.push((parse_id::<ClientId>(&f.text()?)?, f.int()?, f.text()?));
    }
    emails.sort_by_key(|(_, ord, _)| *ord);
    for (client, _, email) in emails {
        if let Some(doc) = docs.get_mut(&client) {
            doc.client.emails.push(email);
        }
    }
    Ok(docs)
}

#[async_trait]
impl Projector for ClientsView {
    fn name(&self) -> &'static str {
        "clients"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["clients", "client_emails"]
    }

    async fn apply(
        &self,
        tx: &mut dyn Tx,
        tables: &TableNames,
        events: &[Recorded],
    ) -> Result<(), ProjectionError> {
        let mut mine = Vec::new();
        let mut to_load = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for recorded in events {
            if let Some(event) = decode::<Client>(recorded)? {
                let client: ClientId = stream_id(recorded)?;
                if seen.insert(client) && !matches!(event, ClientEvent::Created(_)) {
                    to_load.push(id(client.0));
                }
                mine.push((client, micros(recorded.event.recorded_at), event));
            }
        }
        if mine.is_empty() {
            return Ok(());
        }
        let mut docs = load(tx, tables, to_load).await?;
        for (client, at, event) in mine {
            let doc = docs.remove(&client).unwrap_or(Doc {
                client: Client::default(),
                created_at: at,
            });
            let doc = Doc {
                client: doc.client.evolve(&event),
                created_at: doc.created_at,
            };
            docs.insert(client, doc);
        }
        let mut clients = Vec::with_capacity(docs.len());
        let mut emails = Vec::new();
        for doc in docs.values() {
            clients.push(client_row(doc));
            for (ord, email) in doc.client.emails.iter().enumerate() {
                let ord = i64::try_from(ord).unwrap_or(i64::MAX);
                emails.push(vec![
                    id(doc.client.id.0).into(),
                    ord.into(),
                    email.as_str().into(),
                ]);
            }
        }
        let client_table = tables.of("clients");
        Table {
            name: &client_table,
            columns: CLIENT_COLUMNS,
            key: 1,
        }
        .upsert(tx, clients)
        .await?;
        let email_table = tables.of("client_emails");
        Table {
            name: &email_table,
            columns: EMAIL_COLUMNS,
            key: 2,
        }
        .upsert(tx, emails)
        .await
    }
}
