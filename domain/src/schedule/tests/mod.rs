use super::*;
use crate::testing::fixtures::at;
use crate::time::Timestamp;

fn slot(start: &str, end: &str) -> Slot {
    Slot {
        starts_at: at(start),
        ends_at: at(end),
    }
}

fn london() -> Schedule {
    Schedule::default()
}

fn in_zone(zone: &str) -> Schedule {
    Schedule::new(zone, WorkingHours::default(), 60).expect("valid schedule")
}

/// Sunday-night hours, so the slots straddle the DST change itself.
fn sunday_night(slot_minutes: u32, start: &str, end: &str) -> Schedule {
    let hours = WorkingHours::from_entries([("sun", start, end)]).expect("valid hours");
    Schedule::new("Europe/London", hours, slot_minutes).expect("valid schedule")
}

/// (local date, local HH:MM) of every slot, for readable assertions.
fn local(schedule: &Schedule, slots: &[Slot]) -> Vec<(String, String)> {
    let zone = schedule.zone();
    slots
        .iter()
        .map(|s| {
            let dt = zone.to_datetime(s.starts_at.to_jiff());
            (
                dt.date().to_string(),
                format!("{:02}:{:02}", dt.hour(), dt.minute()),
            )
        })
        .collect()
}

/// Whether every slot of `local` starts in the default working hours, 09:00 to 17:00.
fn in_default_hours(local: &[(String, String)]) -> bool {
    local
        .iter()
        .all(|(_, t)| ("09:00".."17:00").contains(&t.as_str()))
}

mod bookable;
mod free_slots;
mod settings;
