//! The business's staff API: every route a logged-in staff member calls
//! (and signing up a business), grouped as docs/api.md groups them.

mod audit;
mod auth;
mod clients;
mod diary;
mod emails;
mod files;
mod invoices;
mod messages;
mod quotes;
mod team_logo;
mod team_settings;
mod teams;

use crate::app::AppState;
use crate::http::ApiError;
use cma_domain::client::Client;
use cma_domain::ids::{ClientId, TeamId};
use utoipa_axum::router::OpenApiRouter;

pub(super) use team_settings::{WorkingHoursBody, working_hours};

/// Every staff route.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(teams::routes())
        .merge(auth::routes())
        .merge(team_settings::routes())
        .merge(team_logo::routes())
        .merge(clients::routes())
        .merge(quotes::routes())
        .merge(invoices::routes())
        .merge(files::routes())
        .merge(messages::routes())
        .merge(diary::routes())
        .merge(emails::routes())
        .merge(audit::routes())
}

/// The client, read from the write side, when it belongs to `team`;
/// otherwise 404 (existence is not revealed).
async fn team_client(state: &AppState, team: TeamId, client: ClientId) -> Result<Client, ApiError> {
    let loaded = state.service.load::<Client>(client.0).await?;
    if loaded.state.exists && loaded.state.team == team {
        Ok(loaded.state)
    } else {
        Err(ApiError::not_found())
    }
}
