//! Client records with their saved emails, portal status, invite and access.
//! Each client is folded with the domain's own `Client::evolve` and kept
//! whole in its row's `state`; the other columns are what queries read.

use crate::convert::{id, micros};
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, streams_of};
use crate::table::{State, select_states, table, upsert};
use crate::tx::Tx;
use async_trait::async_trait;
use cma_domain::Aggregate;
use cma_domain::Timestamp;
use cma_domain::access::Sections;
use cma_domain::client::{Client, ClientEvent};
use cma_domain::ids::ClientId;
use cma_store::Recorded;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub struct ClientsView;

table! {
    /// A client as the client list and record show it.
    struct ClientRow in "clients" key (client_id) {
        client_id: String,
        team_id: String,
        name: String,
        /// `not_invited`, `invited`, `active` or `suspended`.
        status: String,
        invite_email: Option<String>,
        invited_at: Option<i64>,
        enabled: bool,
        quotes: bool,
        invoices: bool,
        files: bool,
        meetings: bool,
        messages: bool,
        created_at: i64,
        notifications_email: bool,
        state: State<ClientState>,
    }
}

table! {
    /// One of a client's saved email addresses, in order.
    struct EmailRow in "client_emails" key (client_id, ord) {
        client_id: String,
        ord: i64,
        email: String,
    }
}

/// A client as this view keeps it between batches.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct ClientState {
    client: Client,
    created_at: Timestamp,
}

impl ClientState {
    /// `View::update`: the client after `event`.
    fn update(self, event: &ClientEvent) -> Self {
        Self {
            client: self.client.evolve(event),
            created_at: self.created_at,
        }
    }

    fn rows(self) -> (ClientRow, impl Iterator<Item = EmailRow>) {
        let c = &self.client;
        let client_id = id(c.id.0);
        let emails = c.emails.clone().into_iter().enumerate();
        let email_rows = emails.map({
            let client_id = client_id.clone();
            move |(ord, email)| EmailRow {
                client_id: client_id.clone(),
                ord: i64::try_from(ord).unwrap_or(i64::MAX),
                email,
            }
        });
        let row = ClientRow {
            client_id,
            team_id: id(c.team.0),
            name: c.name.clone(),
            status: c.portal_status().as_str().to_owned(),
            invite_email: c.invite.as_ref().map(|i| i.email.clone()),
            invited_at: c.invite.as_ref().map(|i| micros(i.at)),
            enabled: c.enabled,
            quotes: c.sections.quotes,
            invoices: c.sections.invoices,
            files: c.sections.files,
            meetings: c.sections.meetings,
            messages: c.sections.messages,
            created_at: micros(self.created_at),
            notifications_email: c.email_notifications,
            state: State(self),
        };
        (row, email_rows)
    }
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
        let starts = |e: &ClientEvent| matches!(e, ClientEvent::Created(_));
        let (mine, to_load) = streams_of::<Client, ClientId>(events, starts)?;
        if mine.is_empty() {
            return Ok(());
        }
        let stored = select_states::<ClientRow, ClientState>(tx, tables, "client_id", to_load);
        let mut clients: HashMap<ClientId, ClientState> = stored
            .await?
            .into_iter()
            .map(|state| (state.client.id, state))
            .collect();
        for (client, recorded, event) in mine {
            let at = recorded.event.recorded_at;
            let state = clients.remove(&client).unwrap_or(ClientState {
                client: Client::default(),
                created_at: at,
            });
            clients.insert(client, state.update(&event));
        }
        let (mut rows, mut emails) = (Vec::with_capacity(clients.len()), Vec::new());
        for state in clients.into_values() {
            let (row, email_rows) = state.rows();
            rows.push(row);
            emails.extend(email_rows);
        }
        upsert(tx, tables, rows).await?;
        upsert(tx, tables, emails).await
    }
}
