//! Shared test plumbing: real databases, histories, table dumps.

pub mod history;

pub use cma_testkit::dump::dump;
pub use history::append;

use cma_projections::tail::Tail;
use cma_projections::{Projections, ReadDb, RunnerConfig};
use cma_store::EventStore;
use std::sync::Arc;

/// The server every PostgreSQL test creates its database on.
pub const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A fresh PostgreSQL database, dropped when this is dropped.
pub struct PgDatabase {
    pub url: String,
    name: String,
}

impl PgDatabase {
    /// Creates it; fails (never skips) when PostgreSQL is unreachable.
    pub async fn create() -> PgDatabase {
        sqlx::any::install_default_drivers();
        let name = format!("cma_t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = admin().await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create the test database");
        PgDatabase {
            url: format!("postgres://postgres@127.0.0.1:5432/{name}"),
            name,
        }
    }
}

async fn admin() -> sqlx::AnyConnection {
    use sqlx::Connection;
    sqlx::AnyConnection::connect(PG_ADMIN)
        .await
        .expect("PostgreSQL must be reachable at 127.0.0.1:5432 (user postgres, database test)")
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime to drop the test database");
            rt.block_on(async {
                let mut admin = admin().await;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(_))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

/// An SQLite event log and read database in a temporary folder.
pub struct SqliteSetup {
    pub dir: tempfile::TempDir,
    pub store: Arc<dyn EventStore>,
    pub db: ReadDb,
}

/// Shows the projections' logs in failing tests' output.
pub fn logs() {
    let _already = tracing_subscriber::fmt().with_test_writer().try_init();
}

pub async fn sqlite() -> SqliteSetup {
    logs();
    let dir = tempfile::tempdir().expect("temporary folder");
    let store = cma_store::sqlite::SqliteStore::open(&dir.path().join("events.db"))
        .await
        .expect("open the event log");
    let db = ReadDb::open_sqlite(&dir.path().join("read.db"))
        .await
        .expect("open the read database");
    db.migrate().await.expect("migrate the read database");
    SqliteSetup {
        dir,
        store: Arc::new(store),
        db,
    }
}

/// The event log and read models in one fresh PostgreSQL database.
pub struct PgSetup {
    pub store: Arc<dyn EventStore>,
    pub db: ReadDb,
    pub database: PgDatabase,
}

pub async fn postgres() -> PgSetup {
    logs();
    let database = PgDatabase::create().await;
    let store = cma_store::postgres::PgStore::connect(&database.url)
        .await
        .expect("connect the event log");
    let db = ReadDb::connect_postgres(&database.url)
        .await
        .expect("connect the read database");
    db.migrate().await.expect("migrate the read database");
    PgSetup {
        store: Arc::new(store),
        db,
        database,
    }
}

/// Every view's projector, running over `store` into `db`.
pub fn start_all(db: &ReadDb, store: &Arc<dyn EventStore>, config: RunnerConfig) -> Projections {
    let views = cma_projections::views::all();
    Projections::start(db.clone(), &Tail::of(store), views, config)
}

/// Waits (up to 30 s) until every projector has processed the log's head.
pub async fn caught_up(db: &ReadDb, store: &Arc<dyn EventStore>) {
    let head = store.head().await.expect("head");
    for _ in 0..6 {
        if cma_projections::wait_for(db, head, cma_projections::MAX_WAIT)
            .await
            .expect("wait for the projections")
        {
            return;
        }
    }
    panic!("projections did not reach position {head}");
}

/// Asserts every projector's checkpoint is the log's head, with no lag.
pub async fn assert_no_lag(db: &ReadDb, store: &Arc<dyn EventStore>) {
    let head = store.head().await.expect("head");
    let lags = cma_projections::lag(db, store.as_ref()).await.expect("lag");
    assert!(
        lags.iter().all(|l| l.lag == 0 && l.checkpoint == head),
        "{lags:?}"
    );
}
