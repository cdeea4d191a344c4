//! Staff's view of outbound email (`GET /api/v1/emails`).

use cma_domain::Timestamp;
use cma_domain::ids::TeamId;
use cma_projections::ReadDb;
use serde::Serialize;
use utoipa::ToSchema;

/// One outbound email as staff see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct EmailSummary {
    #[schema(format = Uuid)]
    pub email_id: String,
    pub to: String,
    pub subject: String,
    /// `portal_invite`, `password_reset`, `client_upload`, `booking_confirmed`,
    /// `booking_cancelled`, `quote_accepted` or `new_message`.
    pub kind: String,
    /// `pending`, `sent` or `failed`.
    pub state: String,
    pub attempts: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub sent_at: Option<String>,
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    i64,
    Option<String>,
    i64,
    Option<i64>,
);

/// The team's most recent emails, newest first.
pub async fn list_emails(
    db: &ReadDb,
    team: TeamId,
    limit: i64,
) -> Result<Vec<EmailSummary>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT email_id, recipient, subject, kind, state, attempts, last_error, created_at, sent_at \
         FROM email_outbox WHERE team_id = $1 ORDER BY created_at DESC, email_id LIMIT $2",
    )
    .bind(team.to_string())
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(email_id, to, subject, kind, state, attempts, last_error, created_at, sent_at)| {
                EmailSummary {
                    email_id,
                    to,
                    subject,
                    kind,
                    state,
                    attempts,
                    last_error,
                    created_at: rfc3339(created_at),
                    sent_at: sent_at.map(rfc3339),
                }
            },
        )
        .collect())
}

fn rfc3339(micros: i64) -> String {
    Timestamp::from_micros(micros)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_string()
}
