//! The adapters under test, each behind a factory that opens (and, after a
//! close, reopens) the same log.

use crate::support::admin;
use cma_store::EventStore;
use cma_store::owned::OwnedLog;
use cma_store::postgres::PgStore;
use cma_store::sqlite::SqliteStore;
use uuid::Uuid;

pub trait Backend: Sync {
    type Store: EventStore;

    /// Opens the log; opening again after a close reopens the same log.
    fn open(&self) -> impl Future<Output = Self::Store> + Send;
}

/// An event log in an SQLite file of a fresh temporary directory.
pub struct Sqlite {
    dir: tempfile::TempDir,
}

impl Sqlite {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }
}

impl Backend for Sqlite {
    type Store = SqliteStore;

    async fn open(&self) -> SqliteStore {
        SqliteStore::open(&self.dir.path().join("events.db"))
            .await
            .expect("open the SQLite event log")
    }
}

/// The same SQLite log through the one handle every append goes through,
/// which knows its streams' versions.
pub struct OwnedSqlite(pub Sqlite);

impl Backend for OwnedSqlite {
    type Store = OwnedLog;

    async fn open(&self) -> OwnedLog {
        OwnedLog::new(std::sync::Arc::new(self.0.open().await))
    }
}

/// An event log in a database of its own on the test PostgreSQL server.
pub struct Postgres {
    name: String,
}

impl Postgres {
    pub async fn create() -> Self {
        let name = format!("cma_t_{}", Uuid::new_v4().simple());
        admin(&format!("CREATE DATABASE {name}")).await;
        Self { name }
    }

    /// The URL of its database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:5432/{}", self.name)
    }

    pub async fn drop_database(self) {
        admin(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .await;
    }
}

impl Backend for Postgres {
    type Store = PgStore;

    async fn open(&self) -> PgStore {
        PgStore::connect(&self.url())
            .await
            .expect("connect to the PostgreSQL event log")
    }
}

/// The KurrentDB server named by this variable, when set.
pub const KURRENTDB_URL_VAR: &str = "CMA_TEST_KURRENTDB_URL";

pub fn kurrentdb_url() -> Option<String> {
    std::env::var(KURRENTDB_URL_VAR)
        .ok()
        .filter(|url| !url.is_empty())
}

/// The KurrentDB server given by the environment; every test shares its
/// `$all`, so properties look only at their own streams.
#[cfg(feature = "kurrentdb")]
pub struct Kurrent {
    pub url: String,
}

#[cfg(feature = "kurrentdb")]
impl Backend for Kurrent {
    type Store = cma_store::kurrent::KurrentStore;

    async fn open(&self) -> Self::Store {
        cma_store::kurrent::KurrentStore::connect(&self.url)
            .await
            .expect("connect to the KurrentDB event log")
    }
}
