//! Reads of the SQLite log: plain SQLite connections on blocking threads,
//! one statement step per row and no async hop between rows, so a scan of
//! the whole log runs at the speed of the file.

use crate::envelope::{Hash, Hashed, Position, Recorded, StoredRef, StreamId};
use crate::sql::{EventRow, LogReader, columns, to_i64};
use crate::store::{StoreError, Visitor};
use rusqlite::types::{FromSqlError, ValueRef};
use rusqlite::{Connection, OpenFlags, Row};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use uuid::Uuid;

/// Events after a position, in order, up to a limit.
const AFTER: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM events WHERE position > ?1 ORDER BY position LIMIT ?2"
);

/// How much of the file a connection maps into memory (SQLite caps it at its
/// compile-time maximum, 2 GiB by default).
const MMAP_BYTES: i64 = 1 << 31;

/// Idle connections kept for the next read.
const IDLE: usize = 4;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}

/// A small pool of read-only connections to one SQLite file.
pub struct SqliteReader {
    inner: Arc<Pool>,
}

struct Pool {
    path: PathBuf,
    /// `None` once closed.
    idle: Mutex<Option<Vec<Connection>>>,
}

impl Pool {
    fn take(&self) -> Result<Connection, StoreError> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        match idle.as_mut() {
            None => Err(StoreError::Closed),
            Some(conns) => match conns.pop() {
                Some(conn) => Ok(conn),
                None => open(&self.path),
            },
        }
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(conns) = idle.as_mut().filter(|c| c.len() < IDLE) {
            conns.push(conn);
        }
    }
}

fn open(path: &std::path::Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "query_only", true)?;
    // Pages are read from a memory map rather than copied in by read(2).
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
    Ok(conn)
}

impl SqliteReader {
    /// A reader of the (existing) SQLite file at `path`.
    pub fn new(path: PathBuf) -> Self {
        Self {
            inner: Arc::new(Pool {
                path,
                idle: Mutex::new(Some(Vec::new())),
            }),
        }
    }

    /// Runs `read` on a pooled connection on a blocking thread.
    async fn run<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let pool = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let conn = pool.take()?;
            let out = read(&conn);
            pool.give_back(conn);
            out
        })
        .await
        .map_err(|e| StoreError::Backend(format!("read stopped: {e}")))?
    }
}

fn event_row(row: &Row<'_>) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        position: row.get(0)?,
        stream_id: row.get(1)?,
        stream_version: row.get(2)?,
        event_id: row.get(3)?,
        event_type: row.get(4)?,
        schema_version: row.get(5)?,
        recorded_at: row.get(6)?,
        actor_kind: row.get(7)?,
        actor_id: row.get(8)?,
        correlation_id: row.get(9)?,
        causation_id: row.get(10)?,
        ip: row.get(11)?,
        user_agent: row.get(12)?,
        payload: row.get(13)?,
        prev_hash: row.get(14)?,
        hash: row.get(15)?,
    })
}

/// A row lent as a stored event, its text and blobs still in SQLite's buffers.
fn stored<'r>(row: &'r Row<'_>) -> Result<StoredRef<'r>, StoreError> {
    let column = |i: usize| row.get_ref(i);
    let position = column(0)?.as_i64()?;
    let corrupt = |reason: &str| StoreError::Corrupt {
        position: u64::try_from(position).unwrap_or(0),
        reason: reason.to_owned(),
    };
    let uuid = |value: ValueRef<'r>| -> Result<Option<Uuid>, StoreError> {
        value
            .as_blob_or_null()?
            .map(|b| Uuid::from_slice(b).map_err(|_| corrupt("malformed id")))
            .transpose()
    };
    let required = |id: Option<Uuid>| id.ok_or_else(|| corrupt("missing id"));
    let hash = |value: ValueRef<'r>| -> Result<&'r Hash, StoreError> {
        value
            .as_blob()?
            .try_into()
            .map_err(|_| corrupt("malformed hash"))
    };
    Ok(StoredRef {
        position: u64::try_from(position).map_err(|_| corrupt("negative position"))?,
        hashed: Hashed {
            stream: column(1)?.as_str()?,
            version: u64::try_from(column(2)?.as_i64()?)
                .map_err(|_| corrupt("negative version"))?,
            event_id: required(uuid(column(3)?)?)?,
            event_type: column(4)?.as_str()?,
            schema_version: u16::try_from(column(5)?.as_i64()?)
                .map_err(|_| corrupt("schema version out of range"))?,
            recorded_at: column(6)?.as_i64()?,
            actor_kind: column(7)?.as_str()?,
            actor_id: uuid(column(8)?)?,
            correlation_id: required(uuid(column(9)?)?)?,
            causation_id: uuid(column(10)?)?,
            ip: column(11)?.as_str_or_null()?,
            user_agent: column(12)?.as_str_or_null()?,
            payload: column(13)?.as_blob()?,
        },
        prev_hash: hash(column(14)?)?,
        hash: hash(column(15)?)?,
    })
}

impl From<FromSqlError> for StoreError {
    fn from(e: FromSqlError) -> Self {
        StoreError::Backend(format!("unexpected column type: {e}"))
    }
}

/// Runs `sql` with `params` and turns every row into a recorded event.
fn events(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<Recorded>, StoreError> {
    let mut statement = conn.prepare_cached(sql)?;
    let mut rows = statement.query(params)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(event_row(row)?.into_recorded()?);
    }
    Ok(out)
}

#[async_trait::async_trait]
impl LogReader for SqliteReader {
    async fn read_stream(&self, stream: &StreamId) -> Result<Vec<Recorded>, StoreError> {
        let stream = stream.as_str().to_owned();
        self.run(move |conn| {
            let sql = concat!(
                "SELECT ",
                columns!(),
                " FROM events WHERE stream_id = ?1 ORDER BY stream_version"
            );
            events(conn, sql, [stream])
        })
        .await
    }

    async fn read_all(&self, after: Position, limit: usize) -> Result<Vec<Recorded>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.run(move |conn| events(conn, AFTER, [to_i64(after), limit]))
            .await
    }

    async fn head(&self) -> Result<Position, StoreError> {
        self.run(|conn| {
            let max: Option<i64> = conn
                .prepare_cached("SELECT MAX(position) FROM events")?
                .query_row([], |row| row.get(0))?;
            Ok(u64::try_from(max.unwrap_or(0)).unwrap_or(0))
        })
        .await
    }

    async fn scan(
        &self,
        after: Position,
        limit: usize,
        mut visitor: Box<dyn Visitor>,
    ) -> Result<Box<dyn Visitor>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.run(move |conn| {
            let mut statement = conn.prepare_cached(AFTER)?;
            let mut rows = statement.query([to_i64(after), limit])?;
            while let Some(row) = rows.next()? {
                if visitor.visit(&stored(row)?).is_break() {
                    break;
                }
            }
            Ok(visitor)
        })
        .await
    }

    async fn close(&self) {
        self.inner
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }
}
