//! The HTTP application: routes and shared state.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use cma_store::{Clock, EventStore};
use std::sync::Arc;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn EventStore>,
    pub clock: Clock,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
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
