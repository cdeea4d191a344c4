//! What the benchmark examples share (store, projections and api
//! examples): command-line flags and a scratch PostgreSQL database.

use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;

/// The value after `--name` on the command line, if given.
pub fn flag(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// The number after `--name` on the command line, or `default`.
pub fn count(name: &str, default: usize) -> Result<usize, std::num::ParseIntError> {
    flag(name).map_or(Ok(default), |v| v.parse())
}

/// A database created for one run and dropped after it.
pub struct ScratchDb {
    server: String,
    name: String,
    pub url: String,
}

impl ScratchDb {
    pub async fn create(server: &str) -> Result<Self, sqlx::Error> {
        let name = format!("cma_bench_{}", Uuid::new_v4().simple());
        let mut conn = PgConnection::connect(server).await?;
        conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await?;
        let base = server.rsplit_once('/').map_or(server, |(b, _)| b);
        Ok(Self {
            server: server.to_owned(),
            url: format!("{base}/{name}"),
            name,
        })
    }

    pub async fn drop(self) -> Result<(), sqlx::Error> {
        let mut conn = PgConnection::connect(&self.server).await?;
        conn.execute(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        )))
        .await?;
        Ok(())
    }
}
