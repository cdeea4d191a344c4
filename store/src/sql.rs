//! The SQL the two relational adapters share. Both accept `$N` parameters,
//! so one text serves SQLite and PostgreSQL; [`sql_event_log!`] instantiates
//! the same writer connection handling and store for each driver, around
//! each adapter's own way of committing a batch.

use crate::envelope::{
    Actor, Hash, Hashed, Metadata, NewEvent, Position, Recorded, StoredRef, StreamId, Version,
};
use crate::store::{StoreError, Unreadable, Visitor};
use cma_domain::Timestamp;
use uuid::Uuid;

/// The event columns, in the order [`stored`] reads them, as a literal for `concat!`.
macro_rules! columns {
    () => {
        "position, stream_id, stream_version, event_id, event_type, schema_version, \
         recorded_at, actor_kind, actor_id, correlation_id, causation_id, ip, user_agent, \
         payload, prev_hash, hash"
    };
}

pub(crate) use columns;

/// A stored event made owned, with the checks a decoded event needs (a
/// known actor, a time in range).
pub fn recorded(e: &StoredRef<'_>) -> Result<Recorded, StoreError> {
    let corrupt = |reason: &str| StoreError::Corrupt {
        position: e.position,
        reason: reason.to_owned(),
    };
    let h = &e.hashed;
    Ok(Recorded {
        position: e.position,
        version: h.version,
        stream: StreamId::from_stored(h.stream.to_owned()),
        event: NewEvent {
            event_id: h.event_id,
            event_type: h.event_type.to_owned(),
            schema_version: h.schema_version,
            recorded_at: Timestamp::from_micros(h.recorded_at)
                .ok_or_else(|| corrupt("time out of range"))?,
            actor: Actor::from_parts(h.actor_kind, h.actor_id)
                .ok_or_else(|| corrupt("unknown actor"))?,
            metadata: Metadata {
                correlation_id: h.correlation_id,
                causation_id: h.causation_id,
                ip: h.ip.map(str::to_owned),
                user_agent: h.user_agent.map(str::to_owned),
            },
            payload: h.payload.to_vec(),
        },
        prev_hash: *e.prev_hash,
        hash: *e.hash,
    })
}

/// What a database row lends of its columns, borrowed for `'r`.
pub trait Columns<'r> {
    /// A 64-bit integer column.
    fn int(&self, i: usize) -> Result<i64, StoreError>;
    /// A column a schema may keep narrower (PostgreSQL's INTEGER).
    fn small_int(&self, i: usize) -> Result<i64, StoreError> {
        self.int(i)
    }
    fn text(&self, i: usize) -> Result<Option<&'r str>, StoreError>;
    fn bytes(&self, i: usize) -> Result<Option<&'r [u8]>, StoreError>;
    fn uuid(&self, i: usize) -> Result<Option<Uuid>, StoreError>;
}

/// A row of the event columns (in [`columns!`]'s order) lent as a stored
/// event, its text and bytes still in the database's buffers.
pub fn stored<'r>(row: &impl Columns<'r>) -> Result<StoredRef<'r>, StoreError> {
    let position = row.int(0)?;
    let corrupt = |reason: &str| StoreError::Corrupt {
        position: u64::try_from(position).unwrap_or(0),
        reason: reason.to_owned(),
    };
    let text = |i| row.text(i)?.ok_or_else(|| corrupt("missing text"));
    let bytes = |i| row.bytes(i)?.ok_or_else(|| corrupt("missing bytes"));
    let uuid = |i| row.uuid(i)?.ok_or_else(|| corrupt("missing id"));
    let hash = |i| -> Result<&'r Hash, StoreError> {
        bytes(i)?.try_into().map_err(|_| corrupt("malformed hash"))
    };
    Ok(StoredRef {
        position: u64::try_from(position).map_err(|_| corrupt("negative position"))?,
        hashed: Hashed {
            stream: text(1)?,
            version: u64::try_from(row.int(2)?).map_err(|_| corrupt("negative version"))?,
            event_id: uuid(3)?,
            event_type: text(4)?,
            schema_version: u16::try_from(row.small_int(5)?)
                .map_err(|_| corrupt("schema version out of range"))?,
            recorded_at: row.int(6)?,
            actor_kind: text(7)?,
            actor_id: row.uuid(8)?,
            correlation_id: uuid(9)?,
            causation_id: row.uuid(10)?,
            ip: row.text(11)?,
            user_agent: row.text(12)?,
            payload: bytes(13)?,
        },
        prev_hash: hash(14)?,
        hash: hash(15)?,
    })
}

/// [`stored`], or where the row is and which of its columns cannot be read.
pub fn stored_or_located<'r>(row: &impl Columns<'r>) -> Result<StoredRef<'r>, Unreadable> {
    stored(row).map_err(|error| unreadable(row, &error))
}

/// The event columns, in [`columns!`]'s order.
pub(crate) const COLUMN_NAMES: [&str; 16] = [
    "position",
    "stream_id",
    "stream_version",
    "event_id",
    "event_type",
    "schema_version",
    "recorded_at",
    "actor_kind",
    "actor_id",
    "correlation_id",
    "causation_id",
    "ip",
    "user_agent",
    "payload",
    "prev_hash",
    "hash",
];

/// Locates a row [`stored`] failed to read (`error`): its position, stream
/// and version as far as they can be read, and the first column that
/// cannot be read as its kind.
fn unreadable<'r>(row: &impl Columns<'r>, error: &StoreError) -> Unreadable {
    let column = |i: usize| -> Result<(), String> {
        let required = |present: bool| {
            if present {
                Ok(())
            } else {
                Err("empty".to_owned())
            }
        };
        let err = |e: StoreError| e.to_string();
        match i {
            0 | 2 | 6 => row.int(i).map(drop).map_err(err),
            5 => row.small_int(i).map(drop).map_err(err),
            1 | 4 | 7 => required(row.text(i).map_err(err)?.is_some()),
            11 | 12 => row.text(i).map(drop).map_err(err),
            3 | 9 => required(row.uuid(i).map_err(err)?.is_some()),
            8 | 10 => row.uuid(i).map(drop).map_err(err),
            13 => required(row.bytes(i).map_err(err)?.is_some()),
            _ => match row.bytes(i).map_err(err)? {
                Some(b) if b.len() == std::mem::size_of::<Hash>() => Ok(()),
                Some(b) => Err(format!(
                    "{} bytes, not {}",
                    b.len(),
                    std::mem::size_of::<Hash>()
                )),
                None => Err("empty".to_owned()),
            },
        }
    };
    let reason = COLUMN_NAMES
        .iter()
        .enumerate()
        .find_map(|(i, name)| column(i).err().map(|why| format!("column {name}: {why}")))
        .unwrap_or_else(|| error.to_string());
    Unreadable {
        position: row
            .int(0)
            .ok()
            .and_then(|p| u64::try_from(p).ok())
            .unwrap_or(0),
        stream: row.text(1).ok().flatten().map(str::to_owned),
        version: row.int(2).ok().and_then(|v| u64::try_from(v).ok()),
        reason,
    }
}

pub fn to_hash(bytes: &[u8]) -> Option<Hash> {
    bytes.try_into().ok()
}

pub fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The reading half of a relational event log.
#[async_trait::async_trait]
pub trait LogReader: Send + Sync + 'static {
    async fn read_stream_after(
        &self,
        stream: &StreamId,
        after: Version,
    ) -> Result<Vec<Recorded>, StoreError>;
    /// What [`EventStore::read_streams_after`](crate::store::EventStore::read_streams_after)
    /// answers, in one round trip to the database.
    async fn read_streams_after(
        &self,
        streams: &[(StreamId, Version)],
    ) -> Result<Vec<Vec<Recorded>>, StoreError>;
    async fn read_all(&self, after: Position, limit: usize) -> Result<Vec<Recorded>, StoreError>;
    /// The event with this id, if any.
    async fn find_event(&self, event_id: Uuid) -> Result<Option<Recorded>, StoreError>;
    async fn head(&self) -> Result<Position, StoreError>;
    async fn scan(
        &self,
        after: Position,
        limit: usize,
        visitor: Box<dyn Visitor>,
    ) -> Result<Box<dyn Visitor>, StoreError>;
    async fn close(&self);
}

/// Implements the batch writer's connection handling for one sqlx driver,
/// and the store around it reading through `$reader` (a [`LogReader`]).
/// The writer keeps a `$cache` (a `Default` type) of what it remembers
/// of the log between batches, dropped with its connection after a failure;
/// each adapter commits a batch in its own `try_commit`. `$probe` (an async
/// fn of a transaction's connection) makes the small write that tells a
/// failing writer the database takes commits again.
macro_rules! sql_event_log {
    ($writer:ident, $store:ident, $conn:ty, $options:ty, $reader:ty, $cache:ty, $probe:path) => {
        /// The single writer of this process. After a failure it forgets
        /// what it remembered and its connection, and connects afresh for
        /// its next batch.
        pub struct $writer {
            options: $options,
            conn: Option<$conn>,
            cache: $cache,
        }

        impl $writer {
            pub fn new(options: $options, conn: $conn) -> Self {
                Self {
                    options,
                    conn: Some(conn),
                    cache: <$cache>::default(),
                }
            }

            /// Drops everything read before a failure: the cache and the
            /// connection (its transaction, if any, rolls back on close).
            async fn forget(&mut self) {
                std::mem::take(&mut self.cache);
                if let Some(conn) = self.conn.take() {
                    let closing = sqlx::Connection::close(conn);
                    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), closing).await;
                }
            }

            /// The writer's connection, opened again if a failure dropped
            /// it, and its cache.
            async fn connection(
                &mut self,
            ) -> Result<(&mut $conn, &mut $cache), $crate::store::StoreError> {
                let conn = match self.conn.take() {
                    Some(conn) => conn,
                    None => sqlx::ConnectOptions::connect(&self.options).await?,
                };
                Ok((self.conn.insert(conn), &mut self.cache))
            }

            async fn try_probe(&mut self) -> Result<(), $crate::store::StoreError> {
                use sqlx::Connection;
                let (conn, _) = self.connection().await?;
                let mut tx = conn.begin().await?;
                $probe(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }
        }

        impl $crate::committer::BatchWriter for $writer {
            async fn commit(
                &mut self,
                requests: &[$crate::committer::Request],
            ) -> Result<
                (Vec<$crate::committer::Outcome>, $crate::envelope::Position),
                $crate::store::StoreError,
            > {
                let outcome = self.try_commit(requests).await;
                if outcome.is_err() {
                    self.forget().await;
                }
                outcome
            }

            async fn probe(&mut self) -> Result<(), $crate::store::StoreError> {
                let outcome = self.try_probe().await;
                if outcome.is_err() {
                    self.forget().await;
                }
                outcome
            }
        }

        /// The event log in this database: one writer task, and a reader.
        pub struct $store {
            committer: $crate::committer::Committer,
            reader: $reader,
            committed: tokio::sync::watch::Sender<$crate::envelope::Position>,
            background: Vec<tokio::task::JoinHandle<()>>,
        }

        impl $store {
            /// Stops the background tasks, releasing the connections they hold.
            fn stop_background(&self) {
                for task in &self.background {
                    task.abort();
                }
            }
        }

        impl Drop for $store {
            fn drop(&mut self) {
                self.stop_background();
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::EventStore for $store {
            async fn append(
                &self,
                stream: &$crate::envelope::StreamId,
                expected: $crate::store::Expected,
                events: Vec<$crate::envelope::NewEvent>,
            ) -> Result<$crate::store::Appended, $crate::store::AppendError> {
                self.committer.append(stream, expected, events).await
            }

            fn queues_appends(&self) -> bool {
                true
            }

            async fn queue_append(
                &self,
                stream: &$crate::envelope::StreamId,
                expected: $crate::store::Expected,
                events: Vec<$crate::envelope::NewEvent>,
                series: std::sync::Arc<$crate::store::Series>,
            ) -> Result<$crate::store::Queued, $crate::store::AppendError> {
                self.committer
                    .queue(stream, expected, events, Some(series))
                    .await
            }

            async fn read_stream_after(
                &self,
                stream: &$crate::envelope::StreamId,
                after: $crate::envelope::Version,
            ) -> Result<Vec<$crate::envelope::Recorded>, $crate::store::StoreError> {
                $crate::sql::LogReader::read_stream_after(&self.reader, stream, after).await
            }

            async fn read_streams_after(
                &self,
                streams: &[($crate::envelope::StreamId, $crate::envelope::Version)],
            ) -> Result<Vec<Vec<$crate::envelope::Recorded>>, $crate::store::StoreError> {
                $crate::sql::LogReader::read_streams_after(&self.reader, streams).await
            }

            async fn read_all(
                &self,
                after: $crate::envelope::Position,
                limit: usize,
            ) -> Result<Vec<$crate::envelope::Recorded>, $crate::store::StoreError> {
                $crate::sql::LogReader::read_all(&self.reader, after, limit).await
            }

            async fn find_event(
                &self,
                event_id: uuid::Uuid,
                since: cma_domain::Timestamp,
            ) -> Result<Option<$crate::envelope::Recorded>, $crate::store::StoreError> {
                let found = $crate::sql::LogReader::find_event(&self.reader, event_id).await?;
                Ok(found.filter(|e| e.event.recorded_at >= since))
            }

            async fn head(&self) -> Result<$crate::envelope::Position, $crate::store::StoreError> {
                $crate::sql::LogReader::head(&self.reader).await
            }

            async fn scan(
                &self,
                after: $crate::envelope::Position,
                limit: usize,
                visitor: Box<dyn $crate::store::Visitor>,
            ) -> Result<Box<dyn $crate::store::Visitor>, $crate::store::StoreError> {
                $crate::sql::LogReader::scan(&self.reader, after, limit, visitor).await
            }

            fn positions_are_contiguous(&self) -> bool {
                true
            }

            fn can_append(&self) -> Result<(), $crate::store::StoreError> {
                self.committer.health()
            }

            fn subscribe(&self) -> tokio::sync::watch::Receiver<$crate::envelope::Position> {
                self.committed.subscribe()
            }

            async fn close(&self) {
                self.stop_background();
                self.committer.close().await;
                $crate::sql::LogReader::close(&self.reader).await;
            }
        }
    };
}

pub(crate) use sql_event_log;
