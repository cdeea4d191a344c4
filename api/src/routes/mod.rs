//! Route groups, named as docs/api.md groups them. Each exposes `routes()`; every
//! handler carries `#[utoipa::path]`, so registering a route documents it.

pub mod audit;
pub mod auth;
pub mod clients;
pub mod diary;
pub mod emails;
pub mod files;
pub mod invoices;
pub mod messages;
pub mod portal;
pub mod portal_auth;
pub mod portal_files;
pub mod portal_invoices;
pub mod portal_meetings;
pub mod portal_messages;
pub mod portal_quotes;
pub mod quotes;
mod scope;
pub mod service;
mod slots;
pub mod team_logo;
pub mod team_settings;
pub mod teams;
mod wire;

use crate::app::AppState;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

/// Every route.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(service::routes())
        .merge(teams::routes())
        .merge(auth::routes())
        .merge(portal_auth::routes())
        .merge(team_settings::routes())
        .merge(team_logo::routes())
        .merge(clients::routes())
        .merge(quotes::routes())
        .merge(invoices::routes())
        .merge(files::routes())
        .merge(messages::routes())
        .merge(diary::routes())
        .merge(emails::routes())
        .merge(portal::routes())
        .merge(portal_quotes::routes())
        .merge(portal_invoices::routes())
        .merge(portal_files::routes())
        .merge(portal_messages::routes())
        .merge(portal_meetings::routes())
        .merge(audit::routes())
}

/// The answer of a command that creates nothing new: where its events landed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Positioned {
    /// Global event-log position of the command's last event.
    pub position: u64,
}
