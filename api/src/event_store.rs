//! Opens the event log the configuration names.

use crate::store_args::Stores;
use cma_store::owned::OwnedLog;
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

/// The event log of the process that serves the portal: on the embedded
/// default that process owns the data directory (docs/operations.md, "Two
/// deployments"), so every append goes through the handle returned, which
/// therefore knows its streams' versions ([`OwnedLog`]). The maintenance
/// commands, which may run beside it, open the log with
/// [`open_event_store`] and know nothing.
pub async fn open_served_event_store(
    config: &impl Stores,
) -> Result<Arc<dyn EventStore>, StoreError> {
    let log = open_event_store(config).await?;
    Ok(match config.stores().log_is_embedded() {
        true => Arc::new(OwnedLog::new(log)),
        false => log,
    })
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
