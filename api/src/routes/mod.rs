//! Route groups, named as API.md groups them. Each exposes `routes()`; every
//! handler carries `#[utoipa::path]`, and groups registered through
//! `utoipa_axum::routes!` document themselves as they are registered.

pub mod auth;
pub mod clients;
pub mod diary;
pub mod files;
pub mod invoices;
pub mod messages;
pub mod portal_auth;
pub mod portal_files;
pub mod portal_invoices;
pub mod portal_meetings;
pub mod portal_messages;
pub mod portal_quotes;
pub mod quotes;
mod scope;
pub mod team_settings;
pub mod teams;
pub mod wire;

pub use wire::Positioned;

use crate::app::AppState;
use utoipa_axum::router::OpenApiRouter;

/// Every `/api/v1` route.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(teams::routes())
        .merge(auth::routes())
        .merge(portal_auth::routes())
        .merge(team_settings::routes())
        .merge(clients::routes())
        .merge(quotes::routes().into())
        .merge(invoices::routes().into())
        .merge(files::routes().into())
        .merge(messages::routes().into())
        .merge(diary::routes().into())
        .merge(portal_quotes::routes().into())
        .merge(portal_invoices::routes().into())
        .merge(portal_files::routes().into())
        .merge(portal_messages::routes().into())
        .merge(portal_meetings::routes().into())
}
