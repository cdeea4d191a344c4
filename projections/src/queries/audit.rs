//! Which quote the audit may replay for a team, and from which stream.

use crate::db::ReadDb;
use crate::error::ProjectionError;
use cma_domain::ids::{QuoteId, TeamId};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditedQuote {
    pub quote_id: String,
    pub team_id: String,
    pub client_id: String,
    /// The event stream holding the quote's history.
    pub stream_id: String,
}

/// The quote if it belongs to `team`.
pub async fn quote(
    db: &ReadDb,
    team: TeamId,
    quote: QuoteId,
) -> Result<Option<AuditedQuote>, ProjectionError> {
    Ok(sqlx::query_as(
        "SELECT quote_id, team_id, client_id, stream_id FROM audit_quotes \
         WHERE quote_id = $1 AND team_id = $2",
    )
    .bind(quote.to_string())
    .bind(team.to_string())
    .fetch_optional(db.pool())
    .await?)
}
