//! The embedded default: the event log in one SQLite file (WAL, full sync).
//! One writer connection group-commits every append (`sqlite/writer.rs`);
//! reads go through [`reader::SqliteReader`].

mod reader;
mod writer;

use crate::committer::Committer;
use crate::envelope::Position;
use crate::store::{EventStore, StoreError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqliteConnection};
use std::path::Path;
use std::time::Duration;
use tokio::sync::watch;

crate::sql::sql_event_log!(
    SqliteWriter,
    SqliteStore,
    SqliteConnection,
    SqliteConnectOptions,
    reader::SqliteReader,
    writer::Heads,
    probe
);

/// A write that must reach the disk: the database header's `user_version`
/// (which nothing else uses) rewritten with its own value, so committing it
/// appends a page to the write-ahead log, and fails while the disk is full
/// or the file cannot be written.
async fn probe(conn: &mut SqliteConnection) -> Result<(), StoreError> {
    let version: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(&mut *conn)
        .await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "PRAGMA user_version = {version}"
    )))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Connection options for an SQLite file: created if missing, WAL, and
/// `synchronous=FULL` so every acknowledged commit survives a power cut.
pub fn connect_options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true)
}

impl SqliteStore {
    /// Opens (creating and migrating if needed) the event log at `path`.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::because(format_args!("cannot create {}", dir.display()), e)
            })?;
        }
        let options = connect_options(path);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        crate::migrations::sqlite(&pool).await?;
        pool.close().await;
        let conn = options.connect().await?;
        let (committed, _) = watch::channel::<Position>(0);
        let store = Self {
            committer: Committer::start(SqliteWriter::new(options, conn), committed.clone()),
            reader: reader::SqliteReader::new(path.to_path_buf()),
            committed,
            background: Vec::new(),
        };
        store.committed.send_replace(store.head().await?);
        Ok(store)
    }
}
