//! The `email_outbox` table: rows inserted by the enqueuer, claimed and
//! marked by the sender, listed for staff.
//!
//! A row is `pending` until it is sent (`sent`) or its last attempt failed
//! (`failed`); a row beyond the email horizon starts `failed`, unsent, its
//! message never built (no bytes). Claiming a row counts an attempt and moves its
//! `next_attempt_at` past the claim's end in one statement, so no other
//! sender takes it while it is in flight, and a sender that dies mid-send
//! leaves it to be tried again once the claim has lapsed.

use super::retry::AfterFailure;
use cma_domain::Timestamp;
use cma_projections::ProjectionError;
use cma_projections::tx::{Fields, Kind, Row, Tx, Value};
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
#[derive(Clone, Debug)]
pub struct Claimed {
    pub email_id: String,
    pub recipient: String,
    pub sender: String,
    pub message_id: String,
    pub message: Vec<u8>,
    /// Including this one.
    pub attempts: i64,
}

impl Claimed {
    /// The columns the claim returns, in order.
    const KINDS: [Kind; 6] = [
        Kind::Text,
        Kind::Text,
        Kind::Text,
        Kind::Text,
        Kind::Blob,
        Kind::Int,
    ];

    fn from_row(row: Row) -> Result<Self, ProjectionError> {
        let mut f = Fields::new(row);
        Ok(Self {
            email_id: f.text()?,
            recipient: f.text()?,
            sender: f.text()?,
            message_id: f.text()?,
            message: f.opt_blob()?.unwrap_or_default(),
            attempts: f.int()?,
        })
    }
}

/// The rows due to be sent at `$1`.
macro_rules! due_rows {
    () => {
        "FROM email_outbox WHERE state = 'pending' AND next_attempt_at <= $1"
    };
}

/// The claim statement, with what locks the candidate rows.
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE email_outbox SET attempts = attempts + 1, next_attempt_at = $2 \
             WHERE email_id IN (SELECT email_id ",
            due_rows!(),
            " ORDER BY next_attempt_at LIMIT $3",
            $lock,
            ") RETURNING email_id, recipient, sender, message_id, message, attempts"
        )
    };
}

/// Claims up to `limit` rows due at `now`, each until `until`, oldest due
/// first; on PostgreSQL rows another sender is claiming are skipped.
///
/// The sender looks after every move of the log, so it first asks the
/// query pool whether anything is due at all, and only then writes,
/// through the read database's one writer (docs/projections.md, "Where the
/// read models live").
pub async fn claim_due(
    db: &ReadDb,
    now: Timestamp,
    until: Timestamp,
    limit: i64,
) -> Result<Vec<Claimed>, ProjectionError> {
    let due: Option<i64> = sqlx::query_scalar(concat!("SELECT 1 ", due_rows!(), " LIMIT 1"))
        .bind(now.as_micros())
        .fetch_optional(db.pool())
        .await?;
    if due.is_none() {
        return Ok(Vec::new());
    }
    let sql = match db.backend() {
        Backend::Sqlite => claim_sql!(""),
        Backend::Postgres => claim_sql!(" FOR UPDATE SKIP LOCKED"),
    };
    let mut tx = db.begin().await?;
    let rows = tx
        .query(
            sql,
            vec![
                now.as_micros().into(),
                until.as_micros().into(),
                limit.into(),
            ],
            &Claimed::KINDS,
        )
        .await?;
    tx.commit().await?;
    rows.into_iter().map(Claimed::from_row).collect()
}

/// What became of a claimed row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Handed over at this time.
    Sent(Timestamp),
    /// The attempt failed with this error; what follows.
    Failed(String, AfterFailure),
}

/// Records what became of claimed rows, all in one transaction of the
/// read database's writer: one commit for a whole batch, not one per
/// message.
pub async fn record(db: &ReadDb, outcomes: &[(String, Outcome)]) -> Result<(), ProjectionError> {
    let mut tx = db.begin().await?;
    for (email_id, outcome) in outcomes {
        let (sql, params): (&str, Vec<Value>) = match outcome {
            Outcome::Sent(at) => (
                "UPDATE email_outbox SET state = 'sent', sent_at = $2 WHERE email_id = $1",
                vec![email_id.as_str().into(), at.as_micros().into()],
            ),
            Outcome::Failed(error, AfterFailure::RetryAt(at)) => (
                "UPDATE email_outbox SET last_error = $2, next_attempt_at = $3 \
                 WHERE email_id = $1 AND state = 'pending'",
                vec![
                    email_id.as_str().into(),
                    error.as_str().into(),
                    at.as_micros().into(),
                ],
            ),
            Outcome::Failed(error, AfterFailure::GiveUp) => (
                "UPDATE email_outbox SET state = 'failed', last_error = $2 \
                 WHERE email_id = $1 AND state = 'pending'",
                vec![email_id.as_str().into(), error.as_str().into()],
            ),
        };
        tx.execute(sql, params).await?;
    }
    tx.commit().await
}
