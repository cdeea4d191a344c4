//! A team's bookable hours (PRODUCT §8.1) and the free slots they leave (§8.2).

use serde::{Deserialize, Serialize};

/// Business time zone, working hours per weekday and meeting slot length.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// IANA time zone name, e.g. `Europe/London`.
    pub time_zone: String,
    /// Minutes of a meeting slot.
    pub slot_minutes: u32,
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            time_zone: "Europe/London".to_owned(),
            slot_minutes: 60,
        }
    }
}
