//! Route groups, named as API.md groups them. Each exposes `routes()`; every
//! handler carries `#[utoipa::path]`, so registering a route documents it.

pub mod auth;
pub mod clients;
pub mod portal_auth;
pub mod team_settings;
pub mod teams;

use crate::app::AppState;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

/// Every `/api/v1` route.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(teams::routes())
        .merge(auth::routes())
        .merge(portal_auth::routes())
        .merge(team_settings::routes())
        .merge(clients::routes())
}

/// The answer of a command that creates nothing new: where its events landed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Positioned {
    /// Global event-log position of the command's last event.
    pub position: u64,
}
