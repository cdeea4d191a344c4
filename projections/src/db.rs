//! The read database: an SQLite file (`data/read.db`, WAL) on the embedded
//! default, or the PostgreSQL database the event log lives in. Queries go
//! through one sqlx `Any` pool for both, so every statement is written once
//! with `$N` parameters; projector transactions go through [`Tx`]. The
//! API's own records come with it ([`Records`]).

use crate::error::ProjectionError;
use crate::kept_views::KeptViews;
use crate::records::{RECORDS_FILE, Records};
use crate::tx::{PgTx, SqliteWriter, Transaction};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Executor, PgPool};
use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

pub(crate) static SQLITE: Migrator = Migrator {
    table_name: Cow::Borrowed("_cma_migrations_read"),
    ..sqlx::migrate!("../migrations/sqlite/read")
};

/// Run on every PostgreSQL connection of the read side as it connects.
/// What the read side writes is kept as SQLite keeps it with `synchronous =
/// NORMAL`: a commit does not wait for the WAL to reach the disk. A crash of
/// the server (not of this process) may lose the last moments of commits,
/// each whole: read models with their checkpoints, which the runners then
/// apply again from the log (docs/projections.md, "Durability of the read
/// side").
const NO_FLUSH: &str = "SET synchronous_commit = off";

static POSTGRES: Migrator = Migrator {
    table_name: Cow::Borrowed("_cma_migrations_read"),
    ..sqlx::migrate!("../migrations/postgres/read")
};

/// Which database holds the read models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How sqlx connects to the SQLite file at `path` (created if missing).
pub(crate) fn sqlite_options(path: &Path) -> Result<AnyConnectOptions, ProjectionError> {
    Ok(AnyConnectOptions::from_str(&format!(
        "sqlite://{}?mode=rwc",
        path.display()
    ))?)
}

/// Query connections to each SQLite file (the read models, the API's
/// records). Each runs on a thread of its own with its own page cache,
/// prepared statements and allocator arena: four held about 27 MB more
/// under the load bench, where two answered every workload within the
/// runs' spread but quote views at 16 clients, a little slower
/// (docs/benchmarks.md, "Fewer SQLite connections").
pub(crate) const SQLITE_QUERY_CONNECTIONS: u32 = 2;

/// A pool of up to `max` sqlx connections to an SQLite file in WAL mode.
pub(crate) async fn sqlite_pool(
    options: &AnyConnectOptions,
    max: u32,
) -> Result<AnyPool, ProjectionError> {
    Ok(AnyPoolOptions::new()
        .max_connections(max)
        // A connection is checked when it fails, not with a round trip
        // before every statement.
        .test_before_acquire(false)
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("PRAGMA journal_mode = WAL").await?;
                conn.execute("PRAGMA synchronous = NORMAL").await?;
                conn.execute("PRAGMA busy_timeout = 10000").await?;
                Ok(())
            })
        })
        .connect_with(options.clone())
        .await?)
}

/// A handle on the read database, cheap to clone.
#[derive(Clone, Debug)]
pub struct ReadDb {
    backend: Backend,
    options: AnyConnectOptions,
    /// Queries.
    readers: AnyPool,
    /// Projector and rebuild transactions.
    writer: Writer,
    /// The API's records: on SQLite a file of their own beside this one.
    records: Records,
    /// Quote views kept in memory, where this process alone writes the
    /// read models ([`ReadDb::keeping_views`]).
    kept_views: Option<Arc<KeptViews>>,
}

#[derive(Clone, Debug)]
enum Writer {
    /// One plain connection: SQLite has a single writer anyway.
    Sqlite(SqliteWriter),
    /// sqlx's own PostgreSQL driver, for typed array parameters.
    Postgres(PgPool),
}

impl ReadDb {
    /// Opens (creating if needed) the SQLite read database at `path`.
    pub async fn open_sqlite(path: &Path) -> Result<Self, ProjectionError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| ProjectionError::Io {
                path: dir.display().to_string(),
                source: e,
            })?;
        }
        sqlx::any::install_default_drivers();
        let options = sqlite_options(path)?;
        let readers = sqlite_pool(&options, SQLITE_QUERY_CONNECTIONS).await?;
        Ok(Self {
            backend: Backend::Sqlite,
            options,
            readers,
            writer: Writer::Sqlite(SqliteWriter::new(path.to_owned())),
            records: Records::open_sqlite(&path.with_file_name(RECORDS_FILE)).await?,
            kept_views: None,
        })
    }

    /// Connects to the PostgreSQL database at `url`.
    pub async fn connect_postgres(url: &str) -> Result<Self, ProjectionError> {
        sqlx::any::install_default_drivers();
        let options = AnyConnectOptions::from_str(url)?;
        let pool = |max: u32| {
            AnyPoolOptions::new()
                .max_connections(max)
                // A connection is checked when it fails, not with a round
                // trip before every statement.
                .test_before_acquire(false)
                .after_connect(|conn, _| Box::pin(async { conn.execute(NO_FLUSH).await.map(drop) }))
                .connect_with(options.clone())
        };
        let writers = PgPoolOptions::new()
            .max_connections(8)
            .after_connect(|conn, _| Box::pin(async { conn.execute(NO_FLUSH).await.map(drop) }))
            .connect_with(PgConnectOptions::from_str(url)?)
            .await?;
        let readers = pool(8).await?;
        Ok(Self {
            backend: Backend::Postgres,
            options,
            records: Records::postgres(readers.clone(), PgConnectOptions::from_str(url)?),
            readers,
            writer: Writer::Postgres(writers),
            kept_views: None,
        })
    }

    /// Applies the read-side migrations (tracked in `_cma_migrations_read`),
    /// and the records' own on SQLite.
    pub async fn migrate(&self) -> Result<(), ProjectionError> {
        match &self.writer {
            Writer::Sqlite(writer) => {
                SQLITE.run(&self.readers).await?;
                self.records.migrate(writer.path()).await?;
            }
            Writer::Postgres(writers) => POSTGRES.run(writers).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool queries read from.
    pub fn pool(&self) -> &AnyPool {
        &self.readers
    }

    /// The API's own records.
    pub fn records(&self) -> &Records {
        &self.records
    }

    /// This handle (and its clones from now on) keeping quote views in
    /// memory (`crate::kept_views`): only for the process whose projector
    /// runners, started with such a handle, alone write the read models,
    /// which on SQLite the one `cma serve` owning the data directory is.
    #[must_use]
    pub fn keeping_views(self) -> Self {
        Self {
            kept_views: Some(Arc::default()),
            ..self
        }
    }

    pub(crate) fn kept_views(&self) -> Option<&KeptViews> {
        self.kept_views.as_deref()
    }

    /// Begins a projector transaction.
    pub async fn begin(&self) -> Result<Box<dyn Transaction>, ProjectionError> {
        match &self.writer {
            Writer::Sqlite(writer) => writer.begin().await,
            Writer::Postgres(writers) => Ok(Box::new(PgTx(writers.begin().await?))),
        }
    }

    /// Sizes the writer for a rebuild (`true`) or for live projectors
    /// again: on SQLite, its page cache.
    pub(crate) async fn size_for_rebuild(&self, rebuilding: bool) -> Result<(), ProjectionError> {
        match &self.writer {
            Writer::Sqlite(writer) => writer.size_cache(rebuilding).await,
            Writer::Postgres(_) => Ok(()),
        }
    }

    /// A connection of its own, outside both pools, for a session-level
    /// lock (a projector's lease, a worker job's lock): it never returns to
    /// a pool, and closing or dropping it releases the lock.
    pub async fn dedicated(&self) -> Result<AnyConnection, ProjectionError> {
        Ok(self.options.connect().await?)
    }

    /// Closes the pools.
    pub async fn close(&self) {
        self.records.close().await;
        self.readers.close().await;
        match &self.writer {
            Writer::Sqlite(writer) => writer.close().await,
            Writer::Postgres(writers) => writers.close().await,
        }
    }
}
