//! Free meeting slots and whether a start time is bookable (docs/product.md §8.2).

use super::{Schedule, Weekday};
use crate::time::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use serde::{Deserialize, Serialize};

/// How far ahead clients may book: a slot starts no later than now + 14 days.
pub const BOOKING_HORIZON_DAYS: i64 = 14;

/// A time range `[starts_at, ends_at)`: a meeting slot, or a busy appointment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Slot {
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

impl Slot {
    /// Whether the two half-open ranges share an instant (touching is not overlapping).
    pub fn overlaps(&self, other: &Slot) -> bool {
        self.starts_at < other.ends_at && other.starts_at < self.ends_at
    }
}

/// Why a start time is not a free slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotBookable {
    #[error("the time has passed")]
    Past,
    #[error("the time is more than {BOOKING_HORIZON_DAYS} days ahead")]
    BeyondHorizon,
    #[error("there are no working hours on {0} (a weekend, by default)")]
    ClosedDay(Weekday),
    #[error("the time is outside working hours")]
    OutsideHours,
    #[error("the time is not the start of a meeting slot")]
    Misaligned,
    #[error("the slot overlaps a scheduled appointment")]
    Taken,
}

/// Every free slot: within working hours, starting strictly after `now` and
/// no later than now + [`BOOKING_HORIZON_DAYS`], overlapping no range in
/// `busy` (the Scheduled appointments of the diary). Sorted by start.
pub fn free_slots(schedule: &Schedule, busy: &[Slot], now: Timestamp) -> Vec<Slot> {
    let zone = schedule.zone();
    let horizon = horizon(now);
    let first = zone.to_datetime(now.to_jiff()).date();
    let last = zone.to_datetime(horizon.to_jiff()).date();
    working_slots(schedule, &zone, first, last)
        .into_iter()
        .filter(|s| now < s.starts_at && s.starts_at <= horizon)
        .filter(|s| !busy.iter().any(|b| b.overlaps(s)))
        .collect()
}

/// The free slot starting at `starts_at`, or why there is none.
///
/// Reasons are checked in this order: past, beyond the horizon, a day
/// without hours, outside hours, misaligned, taken.
pub fn is_bookable(
    schedule: &Schedule,
    busy: &[Slot],
    now: Timestamp,
    starts_at: Timestamp,
) -> Result<Slot, NotBookable> {
    if starts_at <= now {
        return Err(NotBookable::Past);
    }
    if starts_at > horizon(now) {
        return Err(NotBookable::BeyondHorizon);
    }
    let zone = schedule.zone();
    let local = zone.to_datetime(starts_at.to_jiff());
    let date = local.date();
    // The day before too, so DST de-overlapping sees the same neighbours as free_slots.
    let first = date.yesterday().unwrap_or(date);
    let Some(slot) = working_slots(schedule, &zone, first, date)
        .into_iter()
        .find(|s| s.starts_at == starts_at)
    else {
        let day = Weekday::of(date);
        let intervals = schedule.working_hours.day(day);
        if intervals.is_empty() {
            return Err(NotBookable::ClosedDay(day));
        }
        let minute = (local.hour() as u16) * 60 + local.minute() as u16;
        return Err(if intervals.iter().any(|i| i.contains(minute)) {
            NotBookable::Misaligned
        } else {
            NotBookable::OutsideHours
        });
    };
    if busy.iter().any(|b| b.overlaps(&slot)) {
        return Err(NotBookable::Taken);
    }
    Ok(slot)
}

fn horizon(now: Timestamp) -> Timestamp {
    now.plus_seconds(BOOKING_HORIZON_DAYS * 24 * 3600)
}

/// Every slot of working hours on local dates `first..=last`, sorted, with
/// local starts resolved in the zone (gaps skipped, folds take the earlier
/// instant) and any slot overlapping the previous one dropped.
fn working_slots(schedule: &Schedule, zone: &TimeZone, first: Date, last: Date) -> Vec<Slot> {
    let length = i64::from(schedule.slot_minutes.max(1));
    let mut slots: Vec<Slot> = Vec::new();
    let mut date = first;
    while date <= last {
        for interval in schedule.working_hours.day(Weekday::of(date)) {
            let (start, end) = (
                i64::from(interval.start.minutes()),
                i64::from(interval.end.minutes()),
            );
            let mut minute = start;
            while minute + length <= end {
                if let Some(starts_at) = local_instant(zone, date, minute) {
                    let slot = Slot {
                        starts_at,
                        ends_at: starts_at.plus_seconds(length * 60),
                    };
                    if slots
                        .last()
                        .is_none_or(|prev| prev.ends_at <= slot.starts_at)
                    {
                        slots.push(slot);
                    }
                }
                minute += length;
            }
        }
        match date.tomorrow() {
            Ok(next) => date = next,
            Err(_) => break,
        }
    }
    slots
}

/// The instant of a local wall-clock minute, or `None` in a spring-forward gap.
fn local_instant(zone: &TimeZone, date: Date, minute: i64) -> Option<Timestamp> {
    let hour = i8::try_from(minute / 60).ok()?;
    let time = Time::new(hour, i8::try_from(minute % 60).ok()?, 0, 0).ok()?;
    let ambiguous = zone.to_ambiguous_timestamp(date.to_datetime(time));
    if matches!(ambiguous.offset(), AmbiguousOffset::Gap { .. }) {
        return None;
    }
    ambiguous.earlier().ok().map(Timestamp::from_jiff)
}
