//! The queries the API serves, shaped like docs/api.md's responses (field names
//! exactly as there; money as decimal strings, instants as RFC 3339). Each
//! response type derives `utoipa::ToSchema`, so the OpenAPI document shows
//! the fields and formats the API really sends.
//!
//! Every query takes the caller's scope. A resource of another team, or of
//! another client for a portal read, is `None`: not found, never revealed.

pub mod audit;
pub mod clients;
pub mod diary;
pub mod files;
pub mod invoices;
pub mod messages;
pub mod quotes;
pub mod team;

use crate::db::ReadDb;
use crate::error::ProjectionError;
use cma_domain::ids::{ClientId, TeamId};

/// Who is reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Staff of a team: every client of that team.
    Team(TeamId),
    /// A client logged in to their portal: their own records only.
    Client { team: TeamId, client: ClientId },
}

impl Scope {
    pub fn team(&self) -> TeamId {
        match self {
            Scope::Team(team) | Scope::Client { team, .. } => *team,
        }
    }

    /// Whether this reader may see `client`'s records at all (the client
    /// must also belong to the team: see [`client_in_scope`]).
    fn admits(&self, client: ClientId) -> bool {
        match self {
            Scope::Team(_) => true,
            Scope::Client { client: own, .. } => *own == client,
        }
    }

    fn is_client(&self) -> bool {
        matches!(self, Scope::Client { .. })
    }
}

/// Whether `client` exists in the scope's team and the reader may see it.
pub async fn client_in_scope(
    db: &ReadDb,
    scope: Scope,
    client: ClientId,
) -> Result<bool, ProjectionError> {
    if !scope.admits(client) {
        return Ok(false);
    }
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM clients WHERE client_id = $1 AND team_id = $2")
            .bind(client.to_string())
            .bind(scope.team().to_string())
            .fetch_optional(db.pool())
            .await?;
    Ok(found.is_some())
}

/// The team's business time zone (UTC for a team not projected yet).
pub(crate) async fn team_zone(
    db: &ReadDb,
    team: TeamId,
) -> Result<jiff::tz::TimeZone, ProjectionError> {
    let name: Option<String> =
        sqlx::query_scalar("SELECT time_zone FROM team_settings WHERE team_id = $1")
            .bind(team.to_string())
            .fetch_optional(db.pool())
            .await?;
    Ok(zone_named(name.as_deref()))
}

/// The time zone of that name; UTC for none (a team not projected yet)
/// or a name this build does not know.
pub(crate) fn zone_named(name: Option<&str>) -> jiff::tz::TimeZone {
    name.and_then(|n| jiff::tz::TimeZone::get(n).ok())
        .unwrap_or(jiff::tz::TimeZone::UTC)
}
