//! The one event-store trait every adapter implements.

use crate::envelope::{NewEvent, Position, Recorded, StoredRef, StreamId, Version};
use async_trait::async_trait;
use cma_domain::Timestamp;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::{oneshot, watch};
use uuid::Uuid;

/// What the writer believes about the stream it appends to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// Append whatever the stream holds.
    Any,
    /// The stream must not exist yet.
    NoStream,
    /// The stream must hold exactly this many events.
    Exactly(Version),
}

impl Expected {
    /// Whether a stream currently at `actual` satisfies this expectation.
    pub fn admits(self, actual: Version) -> bool {
        match self {
            Expected::Any => true,
            Expected::NoStream => actual == 0,
            Expected::Exactly(v) => v == actual,
        }
    }
}

/// The result of a successful append.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    /// Global positions of the appended events, in order.
    pub positions: Vec<Position>,
    /// The stream's version after the append.
    pub version: Version,
}

impl Appended {
    /// Position of the last appended event (0 when nothing was appended).
    pub fn last_position(&self) -> Position {
        self.positions.last().copied().unwrap_or(0)
    }
}

/// Appends to one stream queued one behind another, each decided on the
/// state the one before it leaves ([`EventStore::queue_append`]). Once one
/// of them is refused or fails, every one queued after it is refused as a
/// conflict, whatever the stream's version by then: its decision rested on
/// events that were never written.
#[derive(Debug, Default)]
pub struct Series(AtomicBool);

impl Series {
    pub fn is_broken(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    /// Refuses every append of the series not yet judged.
    pub fn break_off(&self) {
        self.0.store(true, Ordering::Release);
    }
}

/// A queued append, whose outcome comes once it is committed or refused.
pub struct Queued(pub(crate) oneshot::Receiver<Result<Appended, AppendError>>);

impl Queued {
    pub async fn outcome(self) -> Result<Appended, AppendError> {
        self.0
            .await
            .map_err(|_| AppendError::Store(StoreError::Closed))?
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("stream {stream} is at version {actual}, expected {expected:?}")]
    Conflict {
        stream: StreamId,
        expected: Expected,
        actual: Version,
    },
    /// An event of the append carries an id already recorded (or carried
    /// twice in the append): event ids are the caller's, and unique in the
    /// log. Nothing of the append is written.
    #[error("event id {0} is already recorded")]
    DuplicateEventId(Uuid),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The error beneath a [`StoreError`]. Shared, not owned, because a store
/// error is `Clone`: the writer hands a failed batch's one error to every
/// append of the batch, and keeps it as its health until it recovers.
pub type Cause = std::sync::Arc<dyn std::error::Error + Send + Sync>;

/// What went wrong in the event store. `reason` is the text shown (the
/// cause's own words included); `source` is the error beneath, when there is
/// one, reachable through [`std::error::Error::source`].
#[derive(Clone, Debug)]
pub enum StoreError {
    /// The store cannot be reached or cannot write right now (a lost
    /// connection, a full disk, a failed batch): nothing was written, and
    /// the same request may succeed later.
    Unavailable {
        reason: String,
        source: Option<Cause>,
    },
    /// Any other failure of the backend.
    Backend {
        reason: String,
        source: Option<Cause>,
    },
    Corrupt {
        position: Position,
        reason: String,
    },
    Closed,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unavailable { reason, .. } => write!(f, "event store unavailable: {reason}"),
            Self::Backend { reason, .. } => write!(f, "event store error: {reason}"),
            Self::Corrupt { position, reason } => {
                write!(
                    f,
                    "stored event at position {position} is unreadable: {reason}"
                )
            }
            Self::Closed => f.write_str("the event store is closed"),
        }
    }
}

/// Written by hand rather than derived: the source is the cause itself (an
/// `sqlx::Error`, an `io::Error`...), not the `Arc` holding it, so that it
/// can be downcast.
impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Unavailable { source, .. } | Self::Backend { source, .. } => {
                let cause: &(dyn std::error::Error + 'static) = source.as_deref()?;
                Some(cause)
            }
            Self::Corrupt { .. } | Self::Closed => None,
        }
    }
}

impl StoreError {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Unavailable { .. } | StoreError::Closed)
    }

    /// A failure of the backend with no error beneath it.
    pub fn backend(reason: impl Into<String>) -> Self {
        StoreError::Backend {
            reason: reason.into(),
            source: None,
        }
    }

    /// A failure of the backend because of `source`, shown as
    /// `{context}: {source}`.
    pub fn because(
        context: impl std::fmt::Display,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StoreError::Backend {
            reason: format!("{context}: {source}"),
            source: Some(std::sync::Arc::new(source)),
        }
    }

    /// The backend's own error, shown as it says: unavailable when
    /// `transient`, a backend failure otherwise.
    pub fn from_backend(
        source: impl std::error::Error + Send + Sync + 'static,
        transient: bool,
    ) -> Self {
        let reason = source.to_string();
        let source = Some(std::sync::Arc::new(source) as Cause);
        if transient {
            StoreError::Unavailable { reason, source }
        } else {
            StoreError::Backend { reason, source }
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        let transient = transient(&e);
        StoreError::from_backend(e, transient)
    }
}

/// Whether an sqlx error is the database being out of reach, busy or out
/// of room rather than a mistake in what was asked of it (for any SQLite or
/// PostgreSQL database, the read models' too).
pub fn transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| transient_code(&code)),
        _ => false,
    }
}

/// SQLite result codes (primary code in the low byte of the extended one)
/// and PostgreSQL SQLSTATEs that mean "not now" rather than "never".
fn transient_code(code: &str) -> bool {
    if let Ok(sqlite) = code.parse::<u32>() {
        // BUSY, LOCKED, NOMEM, READONLY, IOERR, FULL, CANTOPEN, PROTOCOL.
        return matches!(sqlite & 0xff, 5 | 6 | 7 | 8 | 10 | 13 | 14 | 15);
    }
    // Connection exceptions, insufficient resources (disk full, out of
    // memory, too many connections), operator intervention (terminated
    // backend, shutdown), serialization failures and deadlocks.
    code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("57P")
        || code == "40001"
        || code == "40P01"
        || code == "25006"
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::from_backend(e, false)
    }
}

/// An append-only log of streams of events.
///
/// Guarantees, for every adapter:
/// - an acknowledged append is durable, and all of its events are committed
///   together or none is;
/// - `expected` is checked atomically with the write;
/// - global positions increase strictly in commit order: once a reader has
///   seen position N it never later sees a new event below N;
/// - each event's `hash` chains to the previous event of its stream.
#[async_trait]
pub trait EventStore: Send + Sync + 'static {
    /// Appends events to one stream if it is at the expected version.
    /// Appending no events checks the expectation and changes nothing.
    async fn append(
        &self,
        stream: &StreamId,
        expected: Expected,
        events: Vec<NewEvent>,
    ) -> Result<Appended, AppendError>;

    /// Whether appends can be queued ([`queue_append`](Self::queue_append)).
    fn queues_appends(&self) -> bool {
        false
    }

    /// Queues an append without waiting for its outcome: once this returns,
    /// it is in line behind every append queued or made before, ahead of
    /// every later one, and is judged against the stream as those before it
    /// leave it, and refused if an earlier append of its `series` was. Only
    /// where [`queues_appends`](Self::queues_appends) says so.
    async fn queue_append(
        &self,
        _stream: &StreamId,
        _expected: Expected,
        _events: Vec<NewEvent>,
        _series: Arc<Series>,
    ) -> Result<Queued, AppendError> {
        Err(StoreError::backend("this event log does not queue appends").into())
    }

    /// The version of `stream` when this handle knows it without reading
    /// the log: only a handle through which every append to its log goes
    /// can ([`crate::owned::OwnedLog`]). `None`: read the log to know.
    fn known_version(&self, _stream: &StreamId) -> Option<Version> {
        None
    }

    /// Every event of one stream, oldest first (empty for an absent stream).
    async fn read_stream(&self, stream: &StreamId) -> Result<Vec<Recorded>, StoreError> {
        self.read_stream_after(stream, 0).await
    }

    /// The events of one stream with a version above `after`, oldest first:
    /// what a state folded up to version `after` still lacks.
    async fn read_stream_after(
        &self,
        stream: &StreamId,
        after: Version,
    ) -> Result<Vec<Recorded>, StoreError>;

    /// For each `(stream, after)` asked, the events of that stream with a
    /// version above `after`, oldest first: one list per pair, in the order
    /// asked (a stream asked twice gets its events in both lists). What a
    /// request that folds several streams still lacks, read at once: by
    /// default the reads run concurrently; a relational log answers them in
    /// one round trip.
    async fn read_streams_after(
        &self,
        streams: &[(StreamId, Version)],
    ) -> Result<Vec<Vec<Recorded>>, StoreError> {
        futures::future::try_join_all(
            streams
                .iter()
                .map(|(stream, after)| self.read_stream_after(stream, *after)),
        )
        .await
    }

    /// Up to `limit` events of the whole log with position > `after`, in position order.
    async fn read_all(&self, after: Position, limit: usize) -> Result<Vec<Recorded>, StoreError>;

    /// Shows `visitor` up to `limit` events with position > `after`, in
    /// position order, until it breaks; gives it back. Each event is lent
    /// only for the visit, so an adapter can lend it straight from the
    /// database's buffers, with nothing decoded or allocated.
    async fn scan(
        &self,
        after: Position,
        limit: usize,
        visitor: Box<dyn Visitor>,
    ) -> Result<Box<dyn Visitor>, StoreError> {
        let events = self.read_all(after, limit).await?;
        visit_all(events, |e| Ok(e.as_stored()), visitor).await
    }

    /// The event with id `event_id`, if the log holds one recorded at or
    /// after `since` (a relational log finds it by its index of event ids; a
    /// KurrentDB log reads `$all` backwards down to `since`).
    async fn find_event(
        &self,
        event_id: Uuid,
        since: Timestamp,
    ) -> Result<Option<Recorded>, StoreError>;

    /// The position of the last committed event (0 when the log is empty).
    async fn head(&self) -> Result<Position, StoreError>;

    /// Follows the last committed position; changes whenever events are
    /// committed (by this process, or, where the backend can tell, another).
    fn subscribe(&self) -> watch::Receiver<Position>;

    /// Whether appends can be committed right now, cheaply and without
    /// touching the backend: `Err` ([`StoreError::Unavailable`]) from a
    /// failed write until a later write or the writer's own probe succeeds,
    /// and [`StoreError::Closed`] once closed. Readiness reports it.
    fn can_append(&self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Completes pending writes and releases the backend.
    async fn close(&self);

    /// Whether positions run 1, 2, 3... with no holes (so a hole means a
    /// deleted event).
    fn positions_are_contiguous(&self) -> bool {
        false
    }
}

/// Something that looks at stored events one by one (see [`EventStore::scan`]).
pub trait Visitor: std::any::Any + Send {
    fn visit(&mut self, event: &StoredRef<'_>) -> ControlFlow<()>;

    /// A row the store holds but cannot read as an event. By default the
    /// scan fails with it; a visitor that can carry on (or report where it
    /// is) says so.
    fn unreadable(&mut self, row: Unreadable) -> Result<ControlFlow<()>, StoreError> {
        Err(StoreError::Corrupt {
            position: row.position,
            reason: row.reason,
        })
    }
}

/// A stored row that cannot be read as an event, located as far as its
/// readable columns allow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    pub position: Position,
    /// The stream, when its column can be read.
    pub stream: Option<String>,
    /// The version in the stream, when its column can be read.
    pub version: Option<Version>,
    /// Which column cannot be read, and why.
    pub reason: String,
}

/// Shows `visitor` one row of a scan: an event, or a row it cannot read.
pub(crate) fn show(
    visitor: &mut dyn Visitor,
    row: Result<StoredRef<'_>, Unreadable>,
) -> Result<ControlFlow<()>, StoreError> {
    match row {
        Ok(event) => Ok(visitor.visit(&event)),
        Err(unreadable) => visitor.unreadable(unreadable),
    }
}

/// Shows `visitor` each of `items`, lent as a stored event by `lend`, on a
/// blocking thread.
pub(crate) async fn visit_all<T: Send + 'static>(
    items: Vec<T>,
    lend: fn(&T) -> Result<StoredRef<'_>, Unreadable>,
    mut visitor: Box<dyn Visitor>,
) -> Result<Box<dyn Visitor>, StoreError> {
    tokio::task::spawn_blocking(move || {
        for item in &items {
            if show(&mut *visitor, lend(item))?.is_break() {
                break;
            }
        }
        Ok(visitor)
    })
    .await
    .map_err(|e| StoreError::because("scan stopped", e))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;
    use std::error::Error;

    #[tokio::test]
    async fn a_failed_query_keeps_the_sqlx_error_as_its_source() {
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .expect("in-memory SQLite");
        let failure = sqlx::query("SELECT position FROM no_such_table")
            .execute(&mut conn)
            .await
            .expect_err("the table does not exist");
        let shown = failure.to_string();

        let e = StoreError::from(failure);

        assert!(!e.is_transient());
        assert_eq!(e.to_string(), format!("event store error: {shown}"));
        let source = e.source().expect("a source");
        let sqlx::Error::Database(db) = source
            .downcast_ref::<sqlx::Error>()
            .expect("the source is the sqlx error")
        else {
            panic!("a database error, not {source:?}");
        };
        assert!(db.message().contains("no such table"), "{db}");
    }

    #[tokio::test]
    async fn a_store_that_cannot_create_its_folder_says_why() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("a-file");
        std::fs::write(&file, b"not a folder").expect("write");

        let Err(e) = crate::sqlite::SqliteStore::open(&file.join("log").join("events.db")).await
        else {
            panic!("opened a log under a file");
        };

        assert!(
            e.to_string()
                .starts_with("event store error: cannot create "),
            "{e}"
        );
        let io = e
            .source()
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .expect("the source is the io error");
        assert_eq!(io.kind(), std::io::ErrorKind::NotADirectory);
    }
}
