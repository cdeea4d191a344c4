//! A team's bookable hours (docs/product.md §8.1) and the free slots they leave (§8.2).
//!
//! A [`Schedule`] is stored whole inside team settings events and carried in
//! every booking command, so the diary can decide without reading the team.
//!
//! Slot rules, in one place ([`free_slots`] and [`is_bookable`] share them):
//! - working hours are local wall-clock intervals per weekday in the team's
//!   time zone; slots start at an interval's start and step by the slot
//!   length, and a slot must end (on the wall clock) within its interval;
//! - any weekday with working hours offers slots, Saturday and Sunday
//!   included when a team sets hours for them (by default they have none, so
//!   the default offers weekday slots only, as docs/product.md §8.2 describes);
//! - daylight saving: a 09:00 slot is 09:00 local on both sides of a change.
//!   A local start that does not exist (the spring-forward gap) offers no
//!   slot; a local start that exists twice (the fall-back fold) is the
//!   earlier instant. A slot lasts exactly `slot_minutes` of real time; in the
//!   rare case a change inside working hours would make two slots overlap,
//!   the later one is dropped;
//! - a free slot starts strictly after now, no later than now + 14 days, and
//!   overlaps no Scheduled appointment.

mod hours;
mod slots;
#[cfg(test)]
mod tests;

pub use hours::{ClockTime, Weekday, WorkingHours, WorkingInterval};
pub use slots::{BOOKING_HORIZON_DAYS, NotBookable, Slot, free_slots, is_bookable};

use crate::aggregate::refusal_enum;
use serde::{Deserialize, Serialize};

/// Shortest meeting slot, in minutes.
pub const MIN_SLOT_MINUTES: u32 = 5;
/// Longest meeting slot, in minutes.
pub const MAX_SLOT_MINUTES: u32 = 480;
/// Most working intervals on one day.
pub const MAX_INTERVALS_PER_DAY: usize = 12;

/// Business time zone, working hours per weekday and meeting slot length.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// IANA time zone name, e.g. `Europe/London`.
    pub time_zone: String,
    /// Minutes of a meeting slot.
    pub slot_minutes: u32,
    /// Local working hours per weekday.
    pub working_hours: WorkingHours,
}

impl Default for Schedule {
    /// Europe/London, Monday–Friday 09:00–17:00, 60-minute slots.
    fn default() -> Self {
        Self {
            time_zone: "Europe/London".to_owned(),
            slot_minutes: 60,
            working_hours: WorkingHours::default(),
        }
    }
}

impl Schedule {
    /// A checked schedule: the zone exists, the slot length is within
    /// [`MIN_SLOT_MINUTES`]..=[`MAX_SLOT_MINUTES`] and the hours are valid.
    pub fn new(
        time_zone: &str,
        working_hours: WorkingHours,
        slot_minutes: u32,
    ) -> Result<Self, ScheduleError> {
        let schedule = Self {
            time_zone: time_zone.trim().to_owned(),
            slot_minutes,
            working_hours,
        };
        schedule.validate()?;
        Ok(schedule)
    }

    /// Checks every rule [`Schedule::new`] checks.
    pub fn validate(&self) -> Result<(), ScheduleError> {
        check_time_zone(&self.time_zone)?;
        if !(MIN_SLOT_MINUTES..=MAX_SLOT_MINUTES).contains(&self.slot_minutes) {
            return Err(ScheduleError::SlotLength(self.slot_minutes));
        }
        self.working_hours.validate()
    }

    /// The team's zone. A stored name that no longer resolves falls back to
    /// UTC, so slot arithmetic never fails; [`Schedule::validate`] keeps
    /// such names out.
    pub fn zone(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.time_zone).unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// The team's local calendar date at an instant (for invoice due dates).
    pub fn local_date(&self, at: crate::Timestamp) -> jiff::civil::Date {
        self.zone().to_datetime(at.to_jiff()).date()
    }
}

/// Refuses a name that is not an IANA time zone.
pub fn check_time_zone(name: &str) -> Result<(), ScheduleError> {
    if name.is_empty() || jiff::tz::TimeZone::get(name).is_err() {
        return Err(ScheduleError::UnknownTimeZone(name.to_owned()));
    }
    Ok(())
}

/// Every IANA time zone name [`check_time_zone`] takes, sorted.
pub fn time_zone_names() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|name| name.as_str().to_owned())
        .filter(|name| check_time_zone(name).is_ok())
        .collect();
    names.sort();
    names
}

refusal_enum! {
    /// Why team settings for the schedule are refused.
    pub enum ScheduleError: ScheduleRule {
        #[error("{0:?} is not an IANA time zone")]
        UnknownTimeZone(String) => Unprocessable,
        #[error("a meeting slot must last {MIN_SLOT_MINUTES} to {MAX_SLOT_MINUTES} minutes, not {0}")]
        SlotLength(u32) => Unprocessable,
        #[error("{0:?} is not a weekday (mon, tue, wed, thu, fri, sat, sun)")]
        UnknownWeekday(String) => Unprocessable,
        #[error("{0:?} is not a time of day (HH:MM, 00:00 to 24:00)")]
        BadClockTime(String) => Unprocessable,
        #[error("on {day} working hours {start}–{end} do not start before they end")]
        EmptyInterval {
            day: Weekday,
            start: ClockTime,
            end: ClockTime,
        } => Unprocessable,
        #[error("on {0} working hours run past midnight")]
        OutsideDay(Weekday) => Unprocessable,
        #[error("on {0} working hours overlap")]
        Overlap(Weekday) => Unprocessable,
        #[error("on {0} there are more than {MAX_INTERVALS_PER_DAY} working intervals")]
        TooManyIntervals(Weekday) => Unprocessable,
    }
}
