//! The read database handle, the projector contract and a follower loop,
//! shaped as the projections crate's (`ReadDb`, `Projector`, runner) so the
//! worker's followers move onto that runner unchanged.

use async_trait::async_trait;
use cma_store::{EventStore, Position, Recorded, StoreError};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, AnyPool, Executor};
use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

static SQLITE: Migrator = Migrator {
    table_name: Cow::Borrowed("_cma_migrations_read"),
    ..sqlx::migrate!("../migrations/sqlite/read")
};

static POSTGRES: Migrator = Migrator {
    table_name: Cow::Borrowed("_cma_migrations_read"),
    ..sqlx::migrate!("../migrations/postgres/read")
};

#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error("read database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("read-model migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("event at position {position} does not decode: {source}")]
    Decode {
        position: Position,
        source: cma_domain::DecodeError,
    },
    #[error("read-model row is unreadable: {0}")]
    Corrupt(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct ReadDb {
    backend: Backend,
    pool: AnyPool,
}

impl ReadDb {
    pub async fn open_sqlite(path: &Path) -> Result<Self, ProjectionError> {
        sqlx::any::install_default_drivers();
        let options =
            AnyConnectOptions::from_str(&format!("sqlite://{}?mode=rwc", path.display()))?;
        let pool = AnyPoolOptions::new()
            .max_connections(4)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self {
            backend: Backend::Sqlite,
            pool,
        })
    }

    pub async fn connect_postgres(url: &str) -> Result<Self, ProjectionError> {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .connect_with(AnyConnectOptions::from_str(url)?)
            .await?;
        Ok(Self {
            backend: Backend::Postgres,
            pool,
        })
    }

    pub async fn migrate(&self) -> Result<(), ProjectionError> {
        match self.backend {
            Backend::Sqlite => SQLITE.run(&self.pool).await?,
            Backend::Postgres => POSTGRES.run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableNames;

#[async_trait]
pub trait Projector: Send + Sync + 'static {
    fn name(&self) -> &'static str;
    fn tables(&self) -> &'static [&'static str];
    async fn apply(
        &self,
        conn: &mut AnyConnection,
        tables: &TableNames,
        events: &[Recorded],
    ) -> Result<(), ProjectionError>;
}

/// Decodes a recorded event as a domain event.
pub fn decode(recorded: &Recorded) -> Result<cma_domain::Event, ProjectionError> {
    recorded
        .decode::<cma_domain::Event>()
        .map_err(|source| ProjectionError::Decode {
            position: recorded.position,
            source,
        })
}

/// Applies batches to `projector` until `cancel`, each with its checkpoint
/// in one transaction (the projections runner's contract, single process).
pub async fn follow(
    db: ReadDb,
    store: Arc<dyn EventStore>,
    projector: Arc<dyn Projector>,
    cancel: CancellationToken,
) {
    let mut wake = store.subscribe();
    while !cancel.is_cancelled() {
        match step(&db, store.as_ref(), projector.as_ref()).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => {
                tracing::error!(projector = projector.name(), error = %e, "follower failed; retrying")
            }
        }
        tokio::select! {
            _ = wake.changed() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = cancel.cancelled() => {}
        }
    }
}

async fn step(
    db: &ReadDb,
    store: &dyn EventStore,
    projector: &dyn Projector,
) -> Result<bool, ProjectionError> {
    let name = projector.name();
    let after: Option<i64> =
        sqlx::query_scalar("SELECT position FROM projection_checkpoints WHERE name = $1")
            .bind(name)
            .fetch_optional(db.pool())
            .await?;
    let after = after.map_or(0, |p| Position::try_from(p).unwrap_or(0));
    let events = store.read_all(after, 200).await?;
    let Some(last) = events.last().map(|e| e.position) else {
        return Ok(false);
    };
    let mut tx = db.pool().begin().await?;
    projector.apply(&mut tx, &TableNames, &events).await?;
    sqlx::query(
        "INSERT INTO projection_checkpoints (name, position, updated_at) VALUES ($1, $2, 0) \
         ON CONFLICT (name) DO UPDATE SET position = excluded.position",
    )
    .bind(name)
    .bind(i64::try_from(last).unwrap_or(i64::MAX))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}
