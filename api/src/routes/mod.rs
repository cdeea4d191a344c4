//! Route groups by who calls them: [`staff`] (the business's staff API),
//! [`portal`] (the client portal API) and [`service`] (health, readiness,
//! metrics and the OpenAPI document); what staff and portal routes share
//! sits beside them. Each group's `mod.rs` builds its router; every handler
//! carries `#[utoipa::path]`, so registering a route documents it.

mod appointments;
mod bodies;
mod content;
mod portal;
mod responses;
pub(crate) mod service;
mod sessions;
mod staff;
mod threads;

use crate::app::AppState;
use utoipa_axum::router::OpenApiRouter;

/// Every route.
pub(crate) fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(service::routes())
        .merge(sessions::routes())
        .merge(staff::routes())
        .merge(portal::routes())
}
