//! The read-side database: the read models in `data/read.db` and the
//! API's own records (sessions, logins, rate-limit counters, Idempotency-Key
//! answers) in `data/api.db` on the embedded default, both in the PostgreSQL
//! database otherwise. One handle, shared with the projectors.

use crate::store_args::Stores;
use anyhow::Context;
use cma_projections::ReadDb;

/// Opens the read database the configuration names and migrates it.
pub async fn open(config: &impl Stores) -> anyhow::Result<ReadDb> {
    let config = config.stores();
    let db = match &config.database_url {
        Some(url) => ReadDb::connect_postgres(url).await,
        None => ReadDb::open_sqlite(&config.read_db()).await,
    }
    .context("cannot open the read database")?;
    db.migrate()
        .await
        .context("read database migration failed")?;
    Ok(db)
}
