//! The `email_outbox` table: rows inserted by the enqueuer, claimed and
//! marked by the sender, listed for staff.
//!
//! A row is `pending` until it is sent (`sent`) or its last attempt failed
//! (`failed`); a row beyond the email horizon starts `failed`, unsent. Claiming a row counts an attempt and moves its
//! `next_attempt_at` past the claim's end in one statement, so no other
//! sender takes it while it is in flight, and a sender that dies mid-send
//! leaves it to be tried again once the claim has lapsed.

use super::retry::AfterFailure;
use cma_domain::Timestamp;
use cma_projections::ProjectionError;
use cma_projections::tx::{Tx, Value};
use cma_projections::{Backend, ReadDb};
use uuid::Uuid;

/// A message for the outbox.
#[derive(Clone, Debug)]
pub struct NewEmail<'a> {
    pub event_id: Uuid,
    pub recipient: &'a str,
    pub team_id: Uuid,
    pub kind: &'a str,
    pub subject: &'a str,
    pub sender: &'a str,
    pub message_id: &'a str,
    pub message: &'a [u8],
    pub created_at: Timestamp,
    /// Recorded as `failed` with this reason, never to be sent.
    pub not_sent: Option<&'a str>,
}

/// Inserts `email` unless one exists for its event and recipient; true if inserted.
pub async fn insert(tx: &mut dyn Tx, email: &NewEmail<'_>) -> Result<bool, ProjectionError> {
    let at = email.created_at.as_micros();
    let state = if email.not_sent.is_some() {
        "failed"
    } else {
        "pending"
    };
    let changed = tx.execute(
        "INSERT INTO email_outbox (email_id, event_id, recipient, team_id, kind, subject, sender, \
         message_id, message, state, attempts, last_error, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $12) \
         ON CONFLICT (event_id, recipient) DO NOTHING",
        vec![
            Uuid::new_v4().to_string().into(),
            email.event_id.to_string().into(),
            email.recipient.into(),
            email.team_id.to_string().into(),
            email.kind.into(),
            email.subject.into(),
            email.sender.into(),
            email.message_id.into(),
            Value::Blob(Some(email.message.to_vec())),
            state.into(),
            email.not_sent.map(str::to_owned).into(),
            at.into(),
        ],
    )
    .await?;
    Ok(changed == 1)
}

/// A claimed row, ready to send.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Claimed {
    pub email_id: String,
    pub recipient: String,
    pub sender: String,
    pub message_id: String,
    pub message: Vec<u8>,
    /// Including this one.
    pub attempts: i64,
}

/// The claim statement, with what locks the candidate rows.
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE email_outbox SET attempts = attempts + 1, next_attempt_at = $2 \
             WHERE email_id IN (SELECT email_id FROM email_outbox \
               WHERE state = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $3",
            $lock,
            ") RETURNING email_id, recipient, sender, message_id, message, attempts"
        )
    };
}

/// Claims up to `limit` rows due at `now`, each until `until`, oldest due
/// first; on PostgreSQL rows another sender is claiming are skipped.
pub async fn claim_due(
    db: &ReadDb,
    now: Timestamp,
    until: Timestamp,
    limit: i64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    let sql = match db.backend() {
        Backend::Sqlite => claim_sql!(""),
        Backend::Postgres => claim_sql!(" FOR UPDATE SKIP LOCKED"),
    };
    sqlx::query_as(sql)
        .bind(now.as_micros())
        .bind(until.as_micros())
        .bind(limit)
        .fetch_all(db.pool())
        .await
}

/// What became of a claimed row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Handed over at this time.
    Sent(Timestamp),
    /// The attempt failed with this error; what follows.
    Failed(String, AfterFailure),
}

/// Records what became of claimed rows, all in one transaction: one
/// writer's commit for a whole batch, not one per message.
pub async fn record(db: &ReadDb, outcomes: &[(String, Outcome)]) -> Result<(), sqlx::Error> {
    let mut tx = db.pool().begin().await?;
    for (email_id, outcome) in outcomes {
        let query = match outcome {
            Outcome::Sent(at) => sqlx::query(
                "UPDATE email_outbox SET state = 'sent', sent_at = $2 WHERE email_id = $1",
            )
            .bind(email_id)
            .bind(at.as_micros()),
            Outcome::Failed(error, AfterFailure::RetryAt(at)) => sqlx::query(
                "UPDATE email_outbox SET last_error = $2, next_attempt_at = $3 \
                 WHERE email_id = $1 AND state = 'pending'",
            )
            .bind(email_id)
            .bind(error)
            .bind(at.as_micros()),
            Outcome::Failed(error, AfterFailure::GiveUp) => sqlx::query(
                "UPDATE email_outbox SET state = 'failed', last_error = $2 \
                 WHERE email_id = $1 AND state = 'pending'",
            )
            .bind(email_id)
            .bind(error),
        };
        query.execute(&mut *tx).await?;
    }
    tx.commit().await
}
