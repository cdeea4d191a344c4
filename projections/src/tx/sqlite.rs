//! Read-model transactions on SQLite through one plain connection (the
//! database has a single writer anyway): each statement is prepared once
//! and cached, rows are written one statement step each, and the work runs
//! on a blocking thread so the async runtime is never held up by the file.

use super::{Kind, Row, Transaction, Tx, Value, read_as};
use crate::error::ProjectionError;
use async_trait::async_trait;
use rusqlite::types::{ToSql, ToSqlOutput, Value as SqliteValue, ValueRef};
use rusqlite::{Connection, OpenFlags, Statement};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};
use tokio::task::JoinHandle;

/// Page cache of the writing connection while a rebuild runs (KiB). The
/// read models' indexes are keyed by random ids, so a rebuild's working set
/// is the whole index; SQLite's default of 2 MiB would make large rebuilds
/// read pages back again and again.
const REBUILD_CACHE_KIB: i64 = 256 * 1024;

/// Page cache of the writing connection otherwise (KiB): live projectors
/// write a few rows per event, and pages not cached are read back from the
/// operating system's file cache, so the server's own memory stays small
/// however large the read models grow (16 MiB before, measured together
/// with fewer query connections: docs/benchmarks.md, "Fewer SQLite
/// connections").
const LIVE_CACHE_KIB: i64 = 4 * 1024;

/// Statements kept prepared: every projector's few, and the checkpoint's.
const CACHED_STATEMENTS: usize = 256;

/// How long the checkpointer lets commits gather after the first one it
/// hears of before it copies the WAL back into the database file.
const CHECKPOINT_PAUSE: Duration = Duration::from_millis(500);

/// The one writing connection to the SQLite read database.
#[derive(Debug, Clone)]
pub(crate) struct SqliteWriter {
    path: PathBuf,
    /// The page cache the connection has, or gets when opened (KiB).
    cache_kib: Arc<AtomicI64>,
    /// Held for the length of a transaction; `None` until first used, or
    /// after a connection was lost with its transaction.
    slot: Arc<Mutex<Option<Connection>>>,
    checkpointer: Checkpointer,
}

/// Copies the WAL back into the database file on a thread of its own, a
/// moment after commits, instead of inside a commit (SQLite's automatic
/// checkpoint, off on the writing connection): a commit only appends to
/// the WAL, and the writer goes on with its next transaction while the
/// pages are copied on another core. Passive checkpoints never wait for
/// or block the writer or readers.
#[derive(Debug, Clone)]
struct Checkpointer(std::sync::mpsc::SyncSender<()>);

impl Checkpointer {
    /// The thread ends once every writer handle is gone.
    fn start(path: PathBuf) -> Self {
        let (wake, woken) = std::sync::mpsc::sync_channel::<()>(1);
        let spawned = std::thread::Builder::new()
            .name("read-db-checkpoint".to_owned())
            .spawn(move || {
                while woken.recv().is_ok() {
                    std::thread::sleep(CHECKPOINT_PAUSE);
                    while woken.try_recv().is_ok() {}
                    if let Err(e) = checkpoint(&path) {
                        tracing::debug!(error = %e, "read database checkpoint skipped");
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no checkpoint thread; the WAL is copied back on close");
        }
        Self(wake)
    }

    /// A commit happened; never waits.
    fn wake(&self) {
        let _pending_or_gone = self.0.try_send(());
    }
}

/// A passive checkpoint through a short-lived connection (never creating
/// the file: a database removed in the meantime is left alone).
fn checkpoint(path: &Path) -> rusqlite::Result<()> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}

/// A writing connection to the SQLite file at `path` (created if missing),
/// in WAL mode, waiting up to 10 s for another writer's lock.
pub(crate) fn open_wal(path: &Path) -> Result<Connection, rusqlite::Error> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(conn)
}

fn open(path: &Path, cache_kib: i64) -> Result<Connection, rusqlite::Error> {
    let conn = open_wal(path)?;
    conn.pragma_update(None, "cache_size", -cache_kib)?;
    // The checkpointer's thread copies the WAL back (see `Checkpointer`).
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    // Sorts (index builds in a rebuild's swap) may use helper threads.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    conn.pragma_update(None, "threads", i64::try_from(cores).unwrap_or(1))?;
    conn.set_prepared_statement_cache_capacity(CACHED_STATEMENTS);
    Ok(conn)
}

impl SqliteWriter {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self {
            checkpointer: Checkpointer::start(path.clone()),
            path,
            cache_kib: Arc::new(AtomicI64::new(LIVE_CACHE_KIB)),
            slot: Arc::new(Mutex::new(None)),
        }
    }

    /// The database file written.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Waits for the connection and begins a write transaction on it.
    pub(crate) async fn begin(&self) -> Result<Box<dyn Transaction>, ProjectionError> {
        let mut slot = self.slot.clone().lock_owned().await;
        let held = slot.take();
        let path = self.path.clone();
        let cache_kib = self.cache_kib.load(Ordering::Relaxed);
        let conn = blocking(move || {
            let conn = match held {
                Some(conn) => conn,
                None => open(&path, cache_kib)?,
            };
            conn.execute_batch("BEGIN IMMEDIATE")?;
            Ok(conn)
        })
        .await?;
        Ok(Box::new(SqliteTx {
            conn: Some(conn),
            running: None,
            slot,
            checkpointer: self.checkpointer.clone(),
        }))
    }

    /// Gives the connection the page cache of a rebuild, or of live
    /// projectors again (a smaller cache lets go of the pages beyond it).
    pub(crate) async fn size_cache(&self, rebuilding: bool) -> Result<(), ProjectionError> {
        let kib = if rebuilding {
            REBUILD_CACHE_KIB
        } else {
            LIVE_CACHE_KIB
        };
        self.cache_kib.store(kib, Ordering::Relaxed);
        let mut slot = self.slot.clone().lock_owned().await;
        let Some(conn) = slot.take() else {
            return Ok(());
        };
        let conn = blocking(move || {
            conn.pragma_update(None, "cache_size", -kib)?;
            Ok(conn)
        })
        .await?;
        *slot = Some(conn);
        Ok(())
    }

    /// Waits for the connection and closes it (a later transaction opens it again).
    pub(crate) async fn close(&self) {
        if let Some(conn) = self.slot.lock().await.take() {
            let _closed = tokio::task::spawn_blocking(move || drop(conn)).await;
        }
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ProjectionError> + Send + 'static,
) -> Result<T, ProjectionError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ProjectionError::Writer)?
}

/// A transaction on the writing connection. Dropped without a commit, it
/// rolls back and gives the connection back.
///
/// Writes whose answer nobody waits for (inserts, deletes) run while the
/// caller goes on preparing its next rows; the next statement waits for
/// them, and reports their error if they failed.
struct SqliteTx {
    /// `None` while a statement runs on a blocking thread.
    conn: Option<Connection>,
    /// The write running on a blocking thread, holding the connection.
    running: Option<JoinHandle<(Connection, rusqlite::Result<()>)>>,
    slot: OwnedMutexGuard<Option<Connection>>,
    checkpointer: Checkpointer,
}

/// A write still running when the transaction is dropped keeps its
/// connection, which closes (rolling back) when the write ends; the next
/// transaction then opens a new one.
impl Drop for SqliteTx {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            if !conn.is_autocommit() && conn.execute_batch("ROLLBACK").is_err() {
                // A connection that cannot roll back is not reused.
                return;
            }
            *self.slot = Some(conn);
        }
    }
}

impl SqliteTx {
    /// The connection, once the write running on it (if any) has ended.
    async fn connection(&mut self) -> Result<Connection, ProjectionError> {
        if let Some(write) = self.running.take() {
            let (conn, done) = write.await.map_err(ProjectionError::Writer)?;
            self.conn = Some(conn);
            done?;
        }
        self.conn
            .take()
            .ok_or_else(|| ProjectionError::WriterState("connection lost"))
    }

    /// Runs `work` with the connection on a blocking thread.
    async fn run<T: Send + 'static>(
        &mut self,
        work: impl FnOnce(&Connection) -> Result<T, rusqlite::Error> + Send + 'static,
    ) -> Result<T, ProjectionError> {
        let conn = self.connection().await?;
        let (conn, out) = on_blocking_thread(conn, work)
            .await
            .map_err(ProjectionError::Writer)?;
        self.conn = Some(conn);
        Ok(out?)
    }

    /// Starts `work` on a blocking thread and returns without waiting for it.
    async fn start(
        &mut self,
        work: impl FnOnce(&Connection) -> Result<(), rusqlite::Error> + Send + 'static,
    ) -> Result<(), ProjectionError> {
        let conn = self.connection().await?;
        self.running = Some(on_blocking_thread(conn, work));
        Ok(())
    }

    async fn finish(mut self: Box<Self>, sql: &'static str) -> Result<(), ProjectionError> {
        self.run(move |conn| conn.execute_batch(sql)).await
    }
}

/// Runs `work` with `conn` on a blocking thread, handing the connection back with the outcome.
fn on_blocking_thread<T: Send + 'static>(
    conn: Connection,
    work: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
) -> JoinHandle<(Connection, rusqlite::Result<T>)> {
    tokio::task::spawn_blocking(move || {
        let out = work(&conn);
        (conn, out)
    })
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Text(Some(t)) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
            Value::Int(Some(i)) => ToSqlOutput::Owned(SqliteValue::Integer(*i)),
            Value::Blob(Some(b)) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            Value::Text(None) | Value::Int(None) | Value::Blob(None) => {
                ToSqlOutput::Owned(SqliteValue::Null)
            }
        })
    }
}

/// Binds `params` to `$1..$N` (by name) or to anonymous `?` (by place).
pub(crate) fn bind(statement: &mut Statement<'_>, params: &[Value]) -> rusqlite::Result<()> {
    let named = statement
        .parameter_name(1)
        .is_some_and(|name| name.starts_with('$'));
    for (i, value) in params.iter().enumerate() {
        let index = if named {
            let name = format!("${}", i + 1);
            statement
                .parameter_index(&name)?
                .ok_or(rusqlite::Error::InvalidParameterName(name))?
        } else {
            i + 1
        };
        statement.raw_bind_parameter(index, value)?;
    }
    Ok(())
}

/// Runs `statement` with `params`, adding its rows to `out`.
fn query(
    statement: &mut Statement<'_>,
    params: &[Value],
    kinds: &[Kind],
    out: &mut Vec<Row>,
) -> rusqlite::Result<()> {
    bind(statement, params)?;
    let mut rows = statement.raw_query();
    while let Some(row) = rows.next()? {
        let values = kinds
            .iter()
            .enumerate()
            .map(|(i, kind)| read_as(*kind, || row.get(i), || row.get(i), || row.get(i)));
        out.push(values.collect::<Result<Row, _>>()?);
    }
    Ok(())
}

#[async_trait]
impl Tx for SqliteTx {
    async fn execute(&mut self, sql: &str, params: Vec<Value>) -> Result<u64, ProjectionError> {
        let sql = sql.to_owned();
        self.run(move |conn| {
            let mut statement = conn.prepare_cached(&sql)?;
            bind(&mut statement, &params)?;
            let changed = statement.raw_execute()?;
            Ok(u64::try_from(changed).unwrap_or(u64::MAX))
        })
        .await
    }

    async fn query(
        &mut self,
        sql: &str,
        params: Vec<Value>,
        kinds: &[Kind],
    ) -> Result<Vec<Row>, ProjectionError> {
        let (sql, kinds) = (sql.to_owned(), kinds.to_vec());
        self.run(move |conn| {
            let mut out = Vec::new();
            let mut statement = conn.prepare_cached(&sql)?;
            query(&mut statement, &params, &kinds, &mut out)?;
            Ok(out)
        })
        .await
    }

    /// One cached single-key statement, run per key: SQLite prepares a
    /// statement text per list length, and looks up one key as fast alone.
    async fn select_in(
        &mut self,
        select: &str,
        kinds: &[Kind],
        keys: Vec<String>,
    ) -> Result<Vec<Row>, ProjectionError> {
        let (sql, kinds) = (format!("{select} = ?"), kinds.to_vec());
        self.run(move |conn| {
            let mut statement = conn.prepare_cached(&sql)?;
            let mut out = Vec::with_capacity(keys.len());
            for key in keys {
                query(&mut statement, &[Value::Text(Some(key))], &kinds, &mut out)?;
            }
            Ok(out)
        })
        .await
    }

    async fn insert(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Vec<Row>,
        suffix: &str,
    ) -> Result<(), ProjectionError> {
        let places = vec!["?"; columns.len()].join(", ");
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({places}){suffix}",
            columns.join(", ")
        );
        self.start(move |conn| {
            let mut statement = conn.prepare_cached(&sql)?;
            for row in rows {
                bind(&mut statement, &row)?;
                statement.raw_execute()?;
            }
            Ok(())
        })
        .await
    }

    async fn delete_in(
        &mut self,
        table: &str,
        column: &str,
        values: Vec<String>,
    ) -> Result<(), ProjectionError> {
        let sql = format!("DELETE FROM {table} WHERE {column} = ?");
        self.start(move |conn| {
            let mut statement = conn.prepare_cached(&sql)?;
            for value in values {
                statement.raw_bind_parameter(1, value)?;
                statement.raw_execute()?;
            }
            Ok(())
        })
        .await
    }
}

#[async_trait]
impl Transaction for SqliteTx {
    async fn commit(self: Box<Self>) -> Result<(), ProjectionError> {
        let checkpointer = self.checkpointer.clone();
        self.finish("COMMIT").await?;
        checkpointer.wake();
        Ok(())
    }

    async fn rollback(self: Box<Self>) -> Result<(), ProjectionError> {
        self.finish("ROLLBACK").await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The writing connection's page cache (KiB), opening it if needed.
    async fn cache_of(writer: &SqliteWriter) -> i64 {
        writer
            .begin()
            .await
            .expect("begin")
            .commit()
            .await
            .expect("commit");
        let mut slot = writer.slot.lock().await;
        let conn = slot
            .as_mut()
            .expect("a connection kept for the next transaction");
        let pages: i64 = conn
            .pragma_query_value(None, "cache_size", |row| row.get(0))
            .expect("cache_size");
        -pages
    }

    #[tokio::test]
    async fn the_writer_has_a_rebuilds_page_cache_only_while_one_runs() {
        let dir = tempfile::tempdir().expect("temp dir");
        let writer = SqliteWriter::new(dir.path().join("read.db"));
        assert_eq!(cache_of(&writer).await, LIVE_CACHE_KIB);
        writer.size_cache(true).await.expect("sized");
        assert_eq!(cache_of(&writer).await, REBUILD_CACHE_KIB);
        writer.size_cache(false).await.expect("sized");
        assert_eq!(cache_of(&writer).await, LIVE_CACHE_KIB);

        // A connection opened afresh (after a failure) gets the size in force.
        writer.size_cache(true).await.expect("sized");
        writer.close().await;
        assert_eq!(cache_of(&writer).await, REBUILD_CACHE_KIB);
    }
}
