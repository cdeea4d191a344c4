//! Client records with their saved emails, portal status, invite and access.
//! Each client is folded with the domain's own `Client::evolve`.

use crate::bulk::{Row, Table, select_in};
use crate::convert::{id, micros, parse_id, timestamp};
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, decode, stream_id};
use async_trait::async_trait;
use cma_domain::Aggregate;
use cma_domain::access::Sections;
use cma_domain::client::{Client, ClientEvent, Invite};
use cma_domain::ids::ClientId;
use cma_store::Recorded;
use sqlx::AnyConnection;
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
];
const EMAIL_COLUMNS: &[&str] = &["client_id", "ord", "email"];

/// A client folded so far, and when it was created.
struct Doc {
    client: Client,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct ClientRow {
    client_id: String,
    team_id: String,
    name: String,
    invite_email: Option<String>,
    invited_by: Option<String>,
    invited_at: Option<i64>,
    activated: i64,
    enabled: i64,
    #[sqlx(flatten)]
    sections: SectionColumns,
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

#[derive(sqlx::FromRow)]
struct EmailRow {
    client_id: String,
    ord: i64,
    email: String,
}

impl ClientRow {
    fn into_doc(self) -> Result<(ClientId, Doc), ProjectionError> {
        let id: ClientId = parse_id(&self.client_id)?;
        let invite = match (self.invite_email, self.invited_by, self.invited_at) {
            (Some(email), Some(by), Some(at)) => Some(Invite {
                email,
                by: parse_id(&by)?,
                at: timestamp(at)?,
            }),
            _ => None,
        };
        let client = Client {
            exists: true,
            id,
            team: parse_id(&self.team_id)?,
            name: self.name,
            emails: Vec::new(),
            invite,
            activated: self.activated != 0,
            enabled: self.enabled != 0,
            sections: self.sections.sections(),
        };
        Ok((
            id,
            Doc {
                client,
                created_at: self.created_at,
            },
        ))
    }
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
    ]
}

async fn load(
    conn: &mut AnyConnection,
    tables: &TableNames,
    ids: &[String],
) -> Result<HashMap<ClientId, Doc>, ProjectionError> {
    let select = format!(
        "SELECT client_id, team_id, name, invite_email, invited_by, invited_at, activated, \
         enabled, quotes, invoices, files, meetings, messages, created_at FROM {} WHERE client_id IN ",
        tables.of("clients")
    );
    let mut docs = HashMap::new();
    for row in select_in::<ClientRow>(conn, &select, ids).await? {
        let (id, doc) = row.into_doc()?;
        docs.insert(id, doc);
    }
    let select = format!(
        "SELECT client_id, ord, email FROM {} WHERE client_id IN ",
        tables.of("client_emails")
    );
    let mut emails = select_in::<EmailRow>(conn, &select, ids).await?;
    emails.sort_by_key(|row| row.ord);
    for row in emails {
        let client: ClientId = parse_id(&row.client_id)?;
        if let Some(doc) = docs.get_mut(&client) {
            doc.client.emails.push(row.email);
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
        conn: &mut AnyConnection,
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
        let mut docs = load(conn, tables, &to_load).await?;
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
        .upsert(conn, clients)
        .await?;
        let email_table = tables.of("client_emails");
        Table {
            name: &email_table,
            columns: EMAIL_COLUMNS,
            key: 2,
        }
        .upsert(conn, emails)
        .await
    }
}
