//! Sends due outbox rows: claim, hand over, record the outcome.
//!
//! Several conversations run at once: one message at a time would cap
//! delivery at the pace of one SMTP round trip sequence (tens of
//! milliseconds each), and a backlog after a busy hour would wait. Arrival
//! order does not matter to a reader: each message is dated with its
//! event's time, which mail programs sort by.

use super::outbox::{self, Claimed, Outcome};
use super::retry::RetryPolicy;
use super::transport::{DeliveryError, Transport};
use cma_projections::{ProjectionError, ReadDb};
use cma_store::Clock;
use futures::StreamExt;
use std::time::Duration;
use tokio::sync::mpsc;

pub struct Sender {
    pub db: ReadDb,
    pub transport: Transport,
    pub clock: Clock,
    pub retry: RetryPolicy,
    /// How long a claimed row is left to its sender before another may
    /// take it: longer than `deliver_within`, so no row is handed over
    /// twice at once.
    pub claim_for: Duration,
    /// How long one SMTP conversation may take before it counts as a
    /// failed attempt.
    pub deliver_within: Duration,
    /// Conversations in flight at once, and so rows claimed at a time: a
    /// claimed batch is all under way at once, so it is done within
    /// `deliver_within`, inside its claim.
    pub concurrency: usize,
}

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sent {
    pub sent: usize,
    pub failed: usize,
}

impl Sender {
    /// Sends every row that is due now.
    pub async fn send_due(&self) -> Result<Sent, ProjectionError> {
        let mut outcome = Sent::default();
        loop {
            let now = self.clock.now();
            let until =
                now.plus_seconds(i64::try_from(self.claim_for.as_secs()).unwrap_or(i64::MAX));
            let batch = self.concurrency.max(1);
            let claimed =
                outbox::claim_due(&self.db, now, until, i64::try_from(batch).unwrap_or(1)).await?;
            if claimed.is_empty() {
                return Ok(outcome);
            }
            let sent = self.send_batch(claimed, batch).await?;
            outcome.sent += sent.sent;
            outcome.failed += sent.failed;
        }
    }

    /// Sends a claimed batch, all at once, and records the outcomes as they
    /// come: whatever has finished since the last commit goes in the next
    /// one, so the database sees one writer, not one per conversation.
    async fn send_batch(
        &self,
        claimed: Vec<Claimed>,
        batch: usize,
    ) -> Result<Sent, ProjectionError> {
        let (done, mut outcomes) = mpsc::unbounded_channel();
        let sending = async move {
            futures::stream::iter(claimed)
                .for_each_concurrent(batch, |email| {
                    let done = done.clone();
                    async move {
                        let outcome = self.send_one(&email).await;
                        // The receiver outlives every send of the batch.
                        let _ = done.send((email.email_id, outcome));
                    }
                })
                .await;
        };
        let recording = async {
            let mut tally = Sent::default();
            let mut finished = Vec::new();
            while outcomes.recv_many(&mut finished, batch).await > 0 {
                outbox::record(&self.db, &finished).await?;
                for (_, outcome) in finished.drain(..) {
                    match outcome {
                        Outcome::Sent(_) => tally.sent += 1,
                        Outcome::Failed(..) => tally.failed += 1,
                    }
                }
            }
            Ok(tally)
        };
        let ((), recorded) = tokio::join!(sending, recording);
        recorded
    }

    async fn send_one(&self, email: &Claimed) -> Outcome {
        let delivery = self.transport.deliver(
            &email.sender,
            &email.recipient,
            &email.message_id,
            &email.message,
        );
        let delivered = tokio::time::timeout(self.deliver_within, delivery)
            .await
            .unwrap_or_else(|_| {
                Err(DeliveryError(format!(
                    "the mail server did not finish within {} s",
                    self.deliver_within.as_secs()
                )))
            });
        let now = self.clock.now();
        match delivered {
            Ok(()) => {
                tracing::info!(message_id = %email.message_id, "email sent");
                Outcome::Sent(now)
            }
            Err(e) => {
                let attempts = u32::try_from(email.attempts).unwrap_or(u32::MAX);
                let after = self.retry.after_failure(attempts, now);
                tracing::warn!(message_id = %email.message_id, attempts, error = %e, ?after, "email not sent");
                Outcome::Failed(e.0, after)
            }
        }
    }
}
