//! Opens the event log the configuration names.

use crate::store_args::Stores;
use cma_store::postgres::PgStore;
use cma_store::sqlite::SqliteStore;
use cma_store::{EventStore, StoreError};
use std::sync::Arc;

/// KurrentDB when `CMA_EVENTSTORE_URL` is set, else PostgreSQL when
/// `CMA_DATABASE_URL` is set, else the SQLite file in the data directory.
pub async fn open_event_store(config: &impl Stores) -> Result<Arc<dyn EventStore>, StoreError> {
    let config = config.stores();
    if let Some(url) = &config.eventstore_url {
        return open_kurrent(url).await;
    }
    match &config.database_url {
        Some(url) => Ok(Arc::new(PgStore::connect(url).await?)),
        None => Ok(Arc::new(SqliteStore::open(&config.events_db()).await?)),
    }
}

#[cfg(feature = "kurrentdb")]
async fn open_kurrent(url: &str) -> Result<Arc<dyn EventStore>, StoreError> {
    Ok(Arc::new(
        cma_store::kurrent::KurrentStore::connect(url).await?,
    ))
}

#[cfg(not(feature = "kurrentdb"))]
async fn open_kurrent(_url: &str) -> Result<Arc<dyn EventStore>, StoreError> {
    Err(StoreError::backend(
        "CMA_EVENTSTORE_URL is set, but this build has no KurrentDB support \
         (build with `--features kurrentdb`)",
    ))
}
