//! The read-side database (read models, sessions, logins, rate-limit
//! counters): `data/read.db` on the embedded default, the PostgreSQL
//! database otherwise. One handle, shared with the projectors.

use crate::store_args::Stores;
use cma_projections::ReadDb;

/// Opens the read database the configuration names and migrates it.
pub async fn open(config: &impl Stores) -> Result<ReadDb, String> {
    let config = config.stores();
    let db = match &config.database_url {
        Some(url) => ReadDb::connect_postgres(url).await,
        None => ReadDb::open_sqlite(&config.read_db()).await,
    }
    .map_err(|e| format!("cannot open the read database: {e}"))?;
    db.migrate()
        .await
        .map_err(|e| format!("read database migration failed: {e}"))?;
    Ok(db)
}
