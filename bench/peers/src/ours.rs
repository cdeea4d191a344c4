//! Ours: the portal's command runner (`Service`, with its default kept
//! states) over the PostgreSQL event log, posting to a client's
//! `Conversation` as staff.

use crate::TEXT;
use crate::load::Poster;
use cma_domain::access::By;
use cma_domain::conversation::{Conversation, ConversationCommand};
use cma_domain::ids::{ClientId, MessageId, StaffId};
use cma_domain::{Aggregate, Timestamp};
use cma_store::postgres::PgStore;
use cma_store::service::envelope;
use cma_store::{CommandContext, EventStore, Expected, Service, StoreError, StreamId};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use uuid::Uuid;

/// Events appended per call while seeding a history.
const SEED_BATCH: usize = 1_000;

pub struct Ours {
    service: Service,
    store: Arc<dyn EventStore>,
    author: StaffId,
}

impl Ours {
    /// The runner on the event log at `url` (migrated on connect).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let store: Arc<dyn EventStore> = Arc::new(PgStore::connect(url).await?);
        Ok(Self {
            service: Service::new(store.clone()),
            store,
            author: StaffId::new(),
        })
    }

    /// Appends `count` posted messages to the thread of client `thread`
    /// directly through the event log, `SEED_BATCH` to an append, each
    /// decided on the state the previous ones made.
    pub async fn seed(&self, thread: Uuid, count: usize) -> Result<(), Box<dyn std::error::Error>> {
        let client = ClientId(thread);
        let stream = StreamId::new(Conversation::CATEGORY, thread);
        let ctx = context();
        let mut state = Conversation::default();
        let mut written = 0;
        while written < count {
            let mut batch = Vec::with_capacity(SEED_BATCH);
            for _ in 0..SEED_BATCH.min(count - written) {
                let events = state
                    .decide(self.command(client), ctx.now)
                    .map_err(|e| format!("{e:?}"))?;
                batch.extend(events.iter().map(|e| envelope(e, Uuid::now_v7(), &ctx)));
                state = events.iter().fold(state, Conversation::evolve);
                written += 1;
            }
            self.store.append(&stream, Expected::Any, batch).await?;
        }
        Ok(())
    }

    fn command(&self, client: ClientId) -> ConversationCommand {
        ConversationCommand::Post {
            message: MessageId::new(),
            client,
            by: By::Staff(self.author),
            text: TEXT.to_owned(),
        }
    }

    pub async fn close(&self) {
        self.store.close().await;
    }
}

impl Poster for Ours {
    async fn post(&self, thread: Uuid) -> Result<(), String> {
        let command = self.command(ClientId(thread));
        self.service
            .execute::<Conversation>(thread, &context(), command)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// A context of the worker acting on its own, now.
fn context() -> CommandContext {
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    let now = Timestamp::from_micros(micros).unwrap_or(Timestamp::UNIX_EPOCH);
    CommandContext::system(now, None)
}
