//! The peer: a message thread as a cqrs-es aggregate, stored by
//! postgres-es's event repository (`postgres_cqrs`: the event log is the
//! only source of truth, no snapshots), on the library's default pool.

use crate::TEXT;
use crate::load::Poster;
use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::{PersistedEventRepository, SerializedEvent};
use cqrs_es::{Aggregate, DomainEvent, EventEnvelope};
use postgres_es::{PostgresCqrs, PostgresEventRepository, default_postgress_pool, postgres_cqrs};
use serde::{Deserialize, Serialize};
use sqlx::{Pool, Postgres};
use std::collections::HashMap;
use uuid::Uuid;

/// The events table postgres-es reads and writes (its documented schema).
const SCHEMA: &str = "CREATE TABLE events (
    aggregate_type text NOT NULL,
    aggregate_id text NOT NULL,
    sequence bigint CHECK (sequence >= 0) NOT NULL,
    event_type text NOT NULL,
    event_version text NOT NULL,
    payload json NOT NULL,
    metadata json NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
)";

/// Longest message, in characters, as the portal's.
const MAX_CHARS: usize = 10_000;

/// Events written per transaction while seeding a history.
const SEED_BATCH: usize = 1_000;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Thread {
    messages: Vec<Message>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    id: Uuid,
    author: Uuid,
    text: String,
}

pub enum ThreadCommand {
    Post {
        id: Uuid,
        author: Uuid,
        text: String,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ThreadEvent {
    MessagePosted(Message),
}

impl DomainEvent for ThreadEvent {
    fn event_type(&self) -> String {
        match self {
            Self::MessagePosted(_) => "MessagePosted".to_owned(),
        }
    }

    fn event_version(&self) -> String {
        "1.0".to_owned()
    }
}

#[derive(Debug)]
pub enum ThreadError {
    Empty,
    TooLong,
    Exists(Uuid),
}

impl std::fmt::Display for ThreadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => write!(f, "empty message"),
            Self::TooLong => write!(f, "message longer than {MAX_CHARS} characters"),
            Self::Exists(id) => write!(f, "message {id} already posted"),
        }
    }
}

impl std::error::Error for ThreadError {}

impl Aggregate for Thread {
    const TYPE: &'static str = "thread";
    type Command = ThreadCommand;
    type Event = ThreadEvent;
    type Error = ThreadError;
    type Services = ();

    /// The same checks as the portal's post: trimmed text, not empty, not
    /// too long, message id not already in the thread.
    async fn handle(
        &mut self,
        command: ThreadCommand,
        _services: &(),
        sink: &EventSink<Self>,
    ) -> Result<(), ThreadError> {
        let ThreadCommand::Post { id, author, text } = command;
        let text = text.trim();
        if text.is_empty() {
            return Err(ThreadError::Empty);
        }
        if text.chars().count() > MAX_CHARS {
            return Err(ThreadError::TooLong);
        }
        if self.messages.iter().any(|m| m.id == id) {
            return Err(ThreadError::Exists(id));
        }
        let message = Message {
            id,
            author,
            text: text.to_owned(),
        };
        sink.write(ThreadEvent::MessagePosted(message), self).await;
        Ok(())
    }

    fn apply(&mut self, event: ThreadEvent) {
        match event {
            ThreadEvent::MessagePosted(message) => self.messages.push(message),
        }
    }
}

pub struct Peer {
    cqrs: PostgresCqrs<Thread>,
    repo: PostgresEventRepository,
    pool: Pool<Postgres>,
    author: Uuid,
}

impl Peer {
    /// The framework on the empty database at `url`.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let pool = default_postgress_pool(url).await;
        sqlx::query(SCHEMA).execute(&pool).await?;
        Ok(Self {
            cqrs: postgres_cqrs(pool.clone(), vec![], ()),
            repo: PostgresEventRepository::new(pool.clone()),
            pool,
            author: Uuid::new_v4(),
        })
    }

    /// Writes `count` posted messages to `thread` through the event
    /// repository, `SEED_BATCH` to a transaction.
    pub async fn seed(&self, thread: Uuid, count: usize) -> Result<(), Box<dyn std::error::Error>> {
        let aggregate_id = thread.to_string();
        let mut sequence = 0;
        while sequence < count {
            let mut batch = Vec::with_capacity(SEED_BATCH);
            for _ in 0..SEED_BATCH.min(count - sequence) {
                sequence += 1;
                let envelope = EventEnvelope::<Thread> {
                    aggregate_id: aggregate_id.clone(),
                    sequence,
                    payload: ThreadEvent::MessagePosted(Message {
                        id: Uuid::new_v4(),
                        author: self.author,
                        text: TEXT.to_owned(),
                    }),
                    metadata: HashMap::new(),
                };
                batch.push(SerializedEvent::try_from(&envelope)?);
            }
            self.repo.persist::<Thread>(&batch, None).await?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl Poster for Peer {
    async fn post(&self, thread: Uuid) -> Result<(), String> {
        let command = ThreadCommand::Post {
            id: Uuid::new_v4(),
            author: self.author,
            text: TEXT.to_owned(),
        };
        self.cqrs
            .execute(&thread.to_string(), command)
            .await
            .map_err(|e| e.to_string())
    }
}
