//! Sends due outbox rows: claim, hand over, record the outcome.

use super::outbox::{self, Claimed};
use super::retry::RetryPolicy;
use super::transport::Transport;
use cma_projections::ReadDb;
use cma_store::Clock;
use std::time::Duration;

pub struct Sender {
    pub db: ReadDb,
    pub transport: Transport,
    pub clock: Clock,
    pub retry: RetryPolicy,
    /// How long a claimed row is left to its sender before another may
    /// take it (longer than any one SMTP conversation).
    pub claim_for: Duration,
    /// Rows claimed at a time.
    pub batch: i64,
}

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sent {
    pub sent: usize,
    pub failed: usize,
}

impl Sender {
    /// Sends every row that is due now.
    pub async fn send_due(&self) -> Result<Sent, sqlx::Error> {
        let mut outcome = Sent::default();
        loop {
            let now = self.clock.now();
            let until =
                now.plus_seconds(i64::try_from(self.claim_for.as_secs()).unwrap_or(i64::MAX));
            let claimed = outbox::claim_due(&self.db, now, until, self.batch).await?;
            if claimed.is_empty() {
                return Ok(outcome);
            }
            for email in claimed {
                if self.send_one(&email).await? {
                    outcome.sent += 1;
                } else {
                    outcome.failed += 1;
                }
            }
        }
    }

    async fn send_one(&self, email: &Claimed) -> Result<bool, sqlx::Error> {
        let delivered = self
            .transport
            .deliver(
                &email.sender,
                &email.recipient,
                &email.message_id,
                &email.message,
            )
            .await;
        let now = self.clock.now();
        match delivered {
            Ok(()) => {
                outbox::mark_sent(&self.db, &email.email_id, now).await?;
                tracing::info!(message_id = %email.message_id, "email sent");
                Ok(true)
            }
            Err(e) => {
                let attempts = u32::try_from(email.attempts).unwrap_or(u32::MAX);
                let after = self.retry.after_failure(attempts, now);
                tracing::warn!(message_id = %email.message_id, attempts, error = %e, ?after, "email not sent");
                outbox::mark_failed(&self.db, &email.email_id, &e.0, after).await?;
                Ok(false)
            }
        }
    }
}
