//! Sends due outbox rows: claim, hand over, record the outcome.
//!
//! Several conversations run at once: one message at a time would cap
//! delivery at the pace of one SMTP round trip sequence (tens of
//! milliseconds each), and a backlog after a busy hour would wait. One
//! recipient's messages still go out one after another, in the order of
//! their events, so a client never reads "New message" before the invite.

use super::outbox::{self, Claimed};
use super::retry::RetryPolicy;
use super::transport::{DeliveryError, Transport};
use cma_projections::ReadDb;
use cma_store::Clock;
use futures::StreamExt;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

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
    /// Conversations in flight at once, and so rows claimed at a time.
    /// A recipient with several rows in a batch gets them one after
    /// another; a row whose turn comes too late to finish inside its claim
    /// is given back untried.
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
    pub async fn send_due(&self) -> Result<Sent, sqlx::Error> {
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
            let claimed_at = Instant::now();
            let mut sends = futures::stream::iter(by_recipient(claimed))
                .map(|emails| self.send_in_order(emails, claimed_at))
                .buffer_unordered(batch);
            while let Some(sent) = sends.next().await {
                let sent = sent?;
                outcome.sent += sent.sent;
                outcome.failed += sent.failed;
            }
        }
    }

    /// Sends one recipient's claimed rows in order, giving back those that
    /// could no longer finish before their claim lapses.
    async fn send_in_order(
        &self,
        emails: Vec<Claimed>,
        claimed_at: Instant,
    ) -> Result<Sent, sqlx::Error> {
        let mut outcome = Sent::default();
        for email in emails {
            if claimed_at.elapsed() + self.deliver_within > self.claim_for {
                outbox::release(&self.db, &email.email_id, self.clock.now()).await?;
            } else if self.send_one(&email).await? {
                outcome.sent += 1;
            } else {
                outcome.failed += 1;
            }
        }
        Ok(outcome)
    }

    async fn send_one(&self, email: &Claimed) -> Result<bool, sqlx::Error> {
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

/// The claimed rows by recipient, each recipient's in the order of their
/// events.
fn by_recipient(mut claimed: Vec<Claimed>) -> Vec<Vec<Claimed>> {
    claimed.sort_by_key(|email| email.created_at);
    let mut groups: BTreeMap<String, Vec<Claimed>> = BTreeMap::new();
    for email in claimed {
        groups
            .entry(email.recipient.clone())
            .or_default()
            .push(email);
    }
    groups.into_values().collect()
}
