//! What a staff member's team owns, read from the write side for commands.

use crate::app::AppState;
use crate::http::{ApiError, ClientSession};
use cma_domain::access::Section;
use cma_domain::client::Client;
use cma_domain::ids::{ClientId, TeamId};
use cma_domain::schedule::Schedule;
use cma_domain::team::Team;
use cma_projections::queries::Scope;

/// The client, when it belongs to `team`; otherwise 404 (existence is not revealed).
pub async fn team_client(
    state: &AppState,
    team: TeamId,
    client: ClientId,
) -> Result<Client, ApiError> {
    let loaded = state.service.load::<Client>(client.0).await?;
    if loaded.state.exists && loaded.state.team == team {
        Ok(loaded.state)
    } else {
        Err(ApiError::not_found())
    }
}

/// The team's current schedule (time zone, working hours, slot length).
pub async fn team_schedule(state: &AppState, team: TeamId) -> Result<Schedule, ApiError> {
    let loaded = state.service.load::<Team>(team.0).await?;
    if loaded.state.exists {
        Ok(loaded.state.schedule)
    } else {
        Err(ApiError::not_found())
    }
}

/// A portal route's section must be on for the client (403 otherwise).
pub fn section(session: &ClientSession, section: Section) -> Result<(), ApiError> {
    session
        .portal
        .require(section)
        .map_err(|denied| ApiError::refused(&denied))
}

/// What a client may read: their own records in their team.
pub fn scope(session: &ClientSession) -> Scope {
    Scope::Client {
        team: session.team,
        client: session.client,
    }
}
