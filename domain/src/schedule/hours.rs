//! Working hours: local wall-clock intervals per weekday.

use super::{MAX_INTERVALS_PER_DAY, ScheduleError};
use serde::{Deserialize, Serialize};

/// A local wall-clock time of day in minutes since midnight, `00:00` to
/// `24:00` (`24:00` only makes sense as the end of an interval).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ClockTime(u16);

impl ClockTime {
    pub const MIDNIGHT: ClockTime = ClockTime(0);
    pub const END_OF_DAY: ClockTime = ClockTime(24 * 60);

    /// `hour:minute`, if it is a time of day (24:00 included).
    pub fn hm(hour: u16, minute: u16) -> Option<Self> {
        if minute >= 60 || hour > 24 || (hour == 24 && minute > 0) {
            return None;
        }
        Some(Self(hour * 60 + minute))
    }

    /// The time `minutes` after midnight, if at most 24:00.
    pub fn from_minutes(minutes: u16) -> Option<Self> {
        (minutes <= Self::END_OF_DAY.0).then_some(Self(minutes))
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    /// Parses exactly `HH:MM` (two digits each), e.g. `09:00` or `24:00`.
    pub fn parse(text: &str) -> Option<Self> {
        let (h, m) = text.split_once(':')?;
        let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !two_digits(h) || !two_digits(m) {
            return None;
        }
        Self::hm(h.parse().ok()?, m.parse().ok()?)
    }
}

impl std::fmt::Display for ClockTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// A day of the week, Monday first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// The API key: `mon` … `sun`.
    pub fn key(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }

    /// The weekday with this API key (case-insensitive).
    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|d| d.key().eq_ignore_ascii_case(key.trim()))
    }

    pub fn is_weekend(self) -> bool {
        matches!(self, Weekday::Sat | Weekday::Sun)
    }

    pub fn of(date: jiff::civil::Date) -> Self {
        use jiff::civil::Weekday as J;
        match date.weekday() {
            J::Monday => Weekday::Mon,
            J::Tuesday => Weekday::Tue,
            J::Wednesday => Weekday::Wed,
            J::Thursday => Weekday::Thu,
            J::Friday => Weekday::Fri,
            J::Saturday => Weekday::Sat,
            J::Sunday => Weekday::Sun,
        }
    }
}

impl std::fmt::Display for Weekday {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// Working time `[start, end)` on the local wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct WorkingInterval {
    pub start: ClockTime,
    pub end: ClockTime,
}

impl WorkingInterval {
    pub fn new(start: ClockTime, end: ClockTime) -> Self {
        Self { start, end }
    }

    /// Whether a local time of day (in minutes) falls in `[start, end)`.
    pub fn contains(&self, minute: u16) -> bool {
        self.start.0 <= minute && minute < self.end.0
    }
}

/// Working intervals for each day of the week, each list sorted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingHours {
    pub mon: Vec<WorkingInterval>,
    pub tue: Vec<WorkingInterval>,
    pub wed: Vec<WorkingInterval>,
    pub thu: Vec<WorkingInterval>,
    pub fri: Vec<WorkingInterval>,
    pub sat: Vec<WorkingInterval>,
    pub sun: Vec<WorkingInterval>,
}

impl Default for WorkingHours {
    /// Monday to Friday 09:00–17:00; Saturday and Sunday closed.
    fn default() -> Self {
        let office = vec![WorkingInterval::new(ClockTime(9 * 60), ClockTime(17 * 60))];
        let mut hours = Self::closed();
        for day in &Weekday::ALL[..5] {
            *hours.day_mut(*day) = office.clone();
        }
        hours
    }
}

impl WorkingHours {
    /// No working hours on any day.
    pub fn closed() -> Self {
        Self {
            mon: vec![],
            tue: vec![],
            wed: vec![],
            thu: vec![],
            fri: vec![],
            sat: vec![],
            sun: vec![],
        }
    }

    pub fn day(&self, day: Weekday) -> &[WorkingInterval] {
        match day {
            Weekday::Mon => &self.mon,
            Weekday::Tue => &self.tue,
            Weekday::Wed => &self.wed,
            Weekday::Thu => &self.thu,
            Weekday::Fri => &self.fri,
            Weekday::Sat => &self.sat,
            Weekday::Sun => &self.sun,
        }
    }

    pub fn day_mut(&mut self, day: Weekday) -> &mut Vec<WorkingInterval> {
        match day {
            Weekday::Mon => &mut self.mon,
            Weekday::Tue => &mut self.tue,
            Weekday::Wed => &mut self.wed,
            Weekday::Thu => &mut self.thu,
            Weekday::Fri => &mut self.fri,
            Weekday::Sat => &mut self.sat,
            Weekday::Sun => &mut self.sun,
        }
    }

    /// Reads the API shape flattened to `(day, start, end)` entries such as
    /// `("mon", "09:00", "12:30")`. Days without entries are closed; each
    /// day's intervals are sorted, then checked as [`WorkingHours::validate`].
    pub fn from_entries<'a>(
        entries: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Result<Self, ScheduleError> {
        let mut hours = Self::closed();
        for (day, start, end) in entries {
            let day =
                Weekday::parse(day).ok_or_else(|| ScheduleError::UnknownWeekday(day.into()))?;
            let clock =
                |t: &str| ClockTime::parse(t).ok_or_else(|| ScheduleError::BadClockTime(t.into()));
            let interval = WorkingInterval::new(clock(start)?, clock(end)?);
            hours.day_mut(day).push(interval);
        }
        for day in Weekday::ALL {
            hours.day_mut(day).sort();
        }
        hours.validate()?;
        Ok(hours)
    }

    /// The API shape: every day from Monday, with its `("HH:MM", "HH:MM")` intervals.
    pub fn to_entries(&self) -> Vec<(&'static str, Vec<(String, String)>)> {
        Weekday::ALL
            .into_iter()
            .map(|day| {
                let intervals = self
                    .day(day)
                    .iter()
                    .map(|i| (i.start.to_string(), i.end.to_string()))
                    .collect();
                (day.key(), intervals)
            })
            .collect()
    }

    /// Each interval starts before it ends and within the day, a day's
    /// intervals are sorted and do not overlap (they may touch), and no day
    /// has more than [`MAX_INTERVALS_PER_DAY`].
    pub fn validate(&self) -> Result<(), ScheduleError> {
        for day in Weekday::ALL {
            let intervals = self.day(day);
            if intervals.len() > MAX_INTERVALS_PER_DAY {
                return Err(ScheduleError::TooManyIntervals(day));
            }
            for i in intervals {
                if i.end > ClockTime::END_OF_DAY {
                    return Err(ScheduleError::OutsideDay(day));
                }
                if i.start >= i.end {
                    return Err(ScheduleError::EmptyInterval {
                        day,
                        start: i.start,
                        end: i.end,
                    });
                }
            }
            if intervals.windows(2).any(|w| w[1].start < w[0].end) {
                return Err(ScheduleError::Overlap(day));
            }
        }
        Ok(())
    }
}
