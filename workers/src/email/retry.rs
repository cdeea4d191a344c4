//! When a failed email is tried again: exponential backoff, capped, and a
//! last attempt after which it stays `failed`.

use cma_domain::Timestamp;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Wait after the first failure; each further failure doubles it.
    pub base: Duration,
    /// The longest wait between two attempts.
    pub cap: Duration,
    /// Attempts before the email is given up as `failed`.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// 30 s, 1 min, 2 min, ... capped at 1 h; 10 attempts (about 6 hours).
    fn default() -> Self {
        Self {
            base: Duration::from_secs(30),
            cap: Duration::from_secs(3600),
            max_attempts: 10,
        }
    }
}

/// What to do after an attempt failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    RetryAt(Timestamp),
    GiveUp,
}

impl RetryPolicy {
    /// The wait after the `attempts`-th failed attempt (1 for the first).
    pub fn backoff(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(31);
        self.base
            .checked_mul(1u32 << doublings)
            .map_or(self.cap, |d| d.min(self.cap))
    }

    /// After the `attempts`-th attempt failed at `now`.
    pub fn after_failure(&self, attempts: u32, now: Timestamp) -> AfterFailure {
        if attempts >= self.max_attempts {
            return AfterFailure::GiveUp;
        }
        let wait = i64::try_from(self.backoff(attempts).as_micros()).unwrap_or(i64::MAX);
        AfterFailure::RetryAt(
            Timestamp::from_micros(now.as_micros().saturating_add(wait)).unwrap_or(now),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH.plus_seconds(seconds)
    }

    #[test]
    fn each_failure_doubles_the_wait_up_to_the_cap() {
        let policy = RetryPolicy::default();
        let waits: Vec<u64> = (1..=9).map(|n| policy.backoff(n).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }

    #[test]
    fn a_failed_attempt_is_retried_after_its_backoff() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.after_failure(2, at(1000)),
            AfterFailure::RetryAt(at(1060))
        );
    }

    #[test]
    fn the_last_attempt_gives_up() {
        let policy = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        };
        assert_eq!(policy.after_failure(3, at(0)), AfterFailure::GiveUp);
        assert!(matches!(
            policy.after_failure(2, at(0)),
            AfterFailure::RetryAt(_)
        ));
    }

    #[test]
    fn huge_attempt_counts_stay_at_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff(u32::MAX), policy.cap);
    }
}
