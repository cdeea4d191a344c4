//! Invoices in the client portal (PRODUCT §5.1): list and open, read only.

use crate::app::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}
