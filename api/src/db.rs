//! The read-side database (sessions, logins, rate-limit counters live there):
//! `data/read.db` on the embedded default, the PostgreSQL database otherwise.

use crate::config::Config;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::borrow::Cow;
use std::str::FromStr;

static SQLITE: Migrator = Migrator {
    table_name: Cow::Borrowed("_cma_migrations_read"),
    ..sqlx::migrate!("../migrations/sqlite/read")
};

static POSTGRES: Migrator = Migrator {
    table_name: Cow::Borrowed("_cma_migrations_read"),
    ..sqlx::migrate!("../migrations/postgres/read")
};

/// A handle on the read database, cheap to clone.
#[derive(Clone, Debug)]
pub struct ReadDb {
    pool: AnyPool,
}

impl ReadDb {
    /// Opens the read database the configuration names and migrates it.
    pub async fn open(config: &Config) -> Result<Self, String> {
        sqlx::any::install_default_drivers();
        let fail = |e: sqlx::Error| format!("cannot open the read database: {e}");
        let migrate =
            |e: sqlx::migrate::MigrateError| format!("read database migration failed: {e}");
        match &config.database_url {
            Some(url) => {
                let options = AnyConnectOptions::from_str(url).map_err(fail)?;
                let pool = AnyPoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await
                    .map_err(fail)?;
                POSTGRES.run(&pool).await.map_err(migrate)?;
                Ok(Self { pool })
            }
            None => {
                std::fs::create_dir_all(&config.data_dir)
                    .map_err(|e| format!("cannot create {}: {e}", config.data_dir.display()))?;
                let url = format!("sqlite://{}?mode=rwc", config.read_db().display());
                let options = AnyConnectOptions::from_str(&url).map_err(fail)?;
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
                    .await
                    .map_err(fail)?;
                SQLITE.run(&pool).await.map_err(migrate)?;
                Ok(Self { pool })
            }
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
