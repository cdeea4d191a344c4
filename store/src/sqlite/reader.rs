//! Reads of the SQLite log: plain SQLite connections on blocking threads,
//! one statement step per row and no async hop between rows, so a scan of
//! the whole log runs at the speed of the file.

use crate::envelope::{Position, Recorded, StreamId, Version};
use crate::sql::{Columns, LogReader, columns, recorded, stored, stored_or_located, to_i64};
use crate::store::{StoreError, Visitor, show};
use rusqlite::types::FromSqlError;
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

/// How much of the file a connection maps into memory: none. Mapped pages
/// of the file count in the process's resident memory, once for each
/// connection that touched them, so a reader that went through a log of a
/// million events held about 900 MB; read(2) into SQLite's bounded page
/// cache (the kernel's file cache keeps the rest) held about 100 MB and
/// read as fast (docs/benchmarks.md, "The log read without a memory map").
const MMAP_BYTES: i64 = 0;

/// Connections reading at once; further reads wait for one. Each is kept
/// open for the next read: opening one costs a schema parse and its own
/// caches, which a busy server would otherwise pay again and again.
const READERS: usize = 8;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::from_backend(e, false)
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
    /// One per connection in use, held until it is given back.
    turns: Arc<tokio::sync::Semaphore>,
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
        if let Some(conns) = idle.as_mut() {
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
    // Set, not left to the build's default: the library may be built with
    // a map.
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
                turns: Arc::new(tokio::sync::Semaphore::new(READERS)),
            }),
        }
    }

    /// Runs `read` on a pooled connection on a blocking thread.
    async fn run<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let pool = self.inner.clone();
        let turn = self
            .inner
            .turns
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Closed)?;
        tokio::task::spawn_blocking(move || {
            let conn = pool.take()?;
            let out = read(&conn);
            pool.give_back(conn);
            drop(turn);
            out
        })
        .await
        .map_err(|e| StoreError::because("read stopped", e))?
    }
}

impl<'r> Columns<'r> for &'r Row<'_> {
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        Ok(self.get_ref(i)?.as_i64()?)
    }

    fn text(&self, i: usize) -> Result<Option<&'r str>, StoreError> {
        Ok(self.get_ref(i)?.as_str_or_null()?)
    }

    fn bytes(&self, i: usize) -> Result<Option<&'r [u8]>, StoreError> {
        Ok(self.get_ref(i)?.as_blob_or_null()?)
    }

    fn uuid(&self, i: usize) -> Result<Option<Uuid>, StoreError> {
        self.bytes(i)?
            .map(|b| Uuid::from_slice(b).map_err(|_| StoreError::backend("malformed id column")))
            .transpose()
    }
}

impl From<FromSqlError> for StoreError {
    fn from(e: FromSqlError) -> Self {
        StoreError::because("unexpected column type", e)
    }
}

/// Events room is made for at once: a long read's vector is not grown
/// (and copied) again and again.
const RESERVED: usize = 50_000;

/// Runs `sql` with `params` and turns every row into a recorded event
/// (room made for `expected` of them, up to [`RESERVED`]).
fn events(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    expected: usize,
) -> Result<Vec<Recorded>, StoreError> {
    let mut statement = conn.prepare_cached(sql)?;
    let mut rows = statement.query(params)?;
    let mut out = Vec::with_capacity(expected.min(RESERVED));
    while let Some(row) = rows.next()? {
        out.push(recorded(&stored(&row)?)?);
    }
    Ok(out)
}

/// The events of `stream` with a version above `after`, oldest first.
fn stream_after(
    conn: &Connection,
    stream: &str,
    after: Version,
) -> Result<Vec<Recorded>, StoreError> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM events WHERE stream_id = ?1 AND stream_version > ?2 ORDER BY stream_version"
    );
    events(conn, sql, rusqlite::params![stream, to_i64(after)], 0)
}

#[async_trait::async_trait]
impl LogReader for SqliteReader {
    async fn read_stream_after(
        &self,
        stream: &StreamId,
        after: Version,
    ) -> Result<Vec<Recorded>, StoreError> {
        let stream = stream.as_str().to_owned();
        self.run(move |conn| stream_after(conn, &stream, after))
            .await
    }

    /// Each stream's read on one connection, in one trip to a blocking thread.
    async fn read_streams_after(
        &self,
        streams: &[(StreamId, Version)],
    ) -> Result<Vec<Vec<Recorded>>, StoreError> {
        let streams: Vec<(String, Version)> = streams
            .iter()
            .map(|(stream, after)| (stream.as_str().to_owned(), *after))
            .collect();
        self.run(move |conn| {
            streams
                .iter()
                .map(|(stream, after)| stream_after(conn, stream, *after))
                .collect()
        })
        .await
    }

    async fn read_all(&self, after: Position, limit: usize) -> Result<Vec<Recorded>, StoreError> {
        let expected = limit;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.run(move |conn| events(conn, AFTER, [to_i64(after), limit], expected))
            .await
    }

    async fn find_event(&self, event_id: Uuid) -> Result<Option<Recorded>, StoreError> {
        self.run(move |conn| {
            let sql = concat!("SELECT ", columns!(), " FROM events WHERE event_id = ?1");
            Ok(events(conn, sql, [event_id.as_bytes().to_vec()], 1)?.pop())
        })
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
                if show(&mut *visitor, stored_or_located(&row))?.is_break() {
                    break;
                }
            }
            Ok(visitor)
        })
        .await
    }

    async fn close(&self) {
        self.inner.turns.close();
        self.inner
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::SqliteStore;
    use crate::store::EventStore;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reads_beyond_the_connection_bound_wait_their_turn() {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("events.db");
        SqliteStore::open(&path).await.expect("open").close().await;
        let reader = Arc::new(SqliteReader::new(path));
        let started = Arc::new(AtomicUsize::new(0));
        let open = Arc::new(AtomicBool::new(false));
        let reads: Vec<_> = (0..=READERS)
            .map(|_| {
                let (reader, started, open) = (reader.clone(), started.clone(), open.clone());
                tokio::spawn(async move {
                    reader
                        .run(move |_| {
                            started.fetch_add(1, Ordering::SeqCst);
                            while !open.load(Ordering::SeqCst) {
                                std::thread::sleep(Duration::from_millis(1));
                            }
                            Ok(())
                        })
                        .await
                })
            })
            .collect();
        let since = std::time::Instant::now();
        while started.load(Ordering::SeqCst) < READERS && since.elapsed() < Duration::from_secs(10)
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(started.load(Ordering::SeqCst), READERS, "one read waits");
        open.store(true, Ordering::SeqCst);
        for read in reads {
            read.await.expect("task").expect("read");
        }
        assert_eq!(started.load(Ordering::SeqCst), READERS + 1);
        let kept = reader
            .inner
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map_or(0, Vec::len);
        assert_eq!(kept, READERS, "every connection kept for the next read");

        reader.close().await;
        let stream = StreamId::new("quote", Uuid::new_v4());
        let closed = reader.read_stream_after(&stream, 0).await;
        assert!(matches!(closed, Err(StoreError::Closed)), "{closed:?}");
    }
}
