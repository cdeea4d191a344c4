//! The HTTP application: routes and shared state.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use cma_store::{Clock, EventStore, Service};
use std::sync::Arc;

use crate::http::consistency::read_your_writes;
use crate::routes;
use crate::storage::FileStorage;
use axum::middleware;
use cma_projections::ReadDb;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn EventStore>,
    pub clock: Clock,
    /// The command side: load, decide, append.
    pub service: Arc<Service>,
    /// Uploaded content by SHA-256.
    pub files: Arc<FileStorage>,
    /// The read models every GET answers from.
    pub read: ReadDb,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .merge(routes::quotes::routes())
        .merge(routes::invoices::routes())
        .merge(routes::files::routes())
        .merge(routes::messages::routes())
        .merge(routes::diary::routes())
        .merge(routes::portal_quotes::routes())
        .merge(routes::portal_invoices::routes())
        .merge(routes::portal_files::routes())
        .merge(routes::portal_messages::routes())
        .merge(routes::portal_meetings::routes())
        .merge(routes::portal::routes())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            read_your_writes,
        ))
        .with_state(state)
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The stores answer.
async fn readyz(State(state): State<AppState>) -> (StatusCode, String) {
    match state.store.head().await {
        Ok(head) => (
            StatusCode::OK,
            format!("ok: event log at position {head}\n"),
        ),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("event log unavailable: {e}\n"),
        ),
    }
}
