//! The one clock every time-based rule reads.
//!
//! `CMA_NOW` (an RFC 3339 instant) starts the clock at that instant; it then
//! runs forward in real time. Without it the clock is the system's.

use cma_domain::Timestamp;
use std::time::Instant;

#[derive(Clone, Debug)]
pub struct Clock {
    /// The instant the clock showed when `started` was taken, if not the system's.
    origin: Option<(Timestamp, Instant)>,
}

impl Clock {
    pub fn system() -> Self {
        Self { origin: None }
    }

    /// A clock that shows `start` now and runs forward in real time.
    pub fn starting_at(start: Timestamp) -> Self {
        Self {
            origin: Some((start, Instant::now())),
        }
    }

    /// The clock `CMA_NOW` asks for: `None` when unset, an error when malformed.
    pub fn from_setting(value: Option<&str>) -> Result<Self, String> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(Self::system()),
            Some(text) => Timestamp::parse_rfc3339(text)
                .map(Self::starting_at)
                .ok_or_else(|| format!("CMA_NOW must be an RFC 3339 instant, got {text:?}")),
        }
    }

    pub fn now(&self) -> Timestamp {
        match self.origin {
            None => Timestamp::from_jiff(jiff::Timestamp::now()),
            Some((start, started)) => {
                let elapsed = i64::try_from(started.elapsed().as_micros()).unwrap_or(i64::MAX);
                Timestamp::from_micros(start.as_micros().saturating_add(elapsed)).unwrap_or(start)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_clock_starts_at_its_instant_and_runs_forward() {
        let clock = Clock::from_setting(Some("2026-03-29T00:30:00Z")).expect("valid instant");
        let first = clock.now();
        assert!(first.to_string().starts_with("2026-03-29T00:30:00"));
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(clock.now() > first);
    }

    #[test]
    fn a_malformed_setting_is_refused_with_a_message() {
        let err = Clock::from_setting(Some("yesterday")).expect_err("not an instant");
        assert!(err.contains("CMA_NOW"));
        assert!(Clock::from_setting(Some("")).is_ok());
    }
}
