use super::*;
use crate::time::Timestamp;

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).expect("test instant")
}

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

// ---- settings ----

#[test]
fn the_default_schedule_is_london_weekdays_nine_to_five_in_hour_slots() {
    let s = Schedule::default();
    assert_eq!(s.validate(), Ok(()));
    assert_eq!(
        (s.time_zone.as_str(), s.slot_minutes),
        ("Europe/London", 60)
    );
    let entries = s.working_hours.to_entries();
    assert_eq!(entries[0], ("mon", vec![("09:00".into(), "17:00".into())]));
    assert_eq!(entries[4].0, "fri");
    assert_eq!(entries[5], ("sat", vec![]));
    assert_eq!(entries[6], ("sun", vec![]));
}

#[test]
fn an_unknown_time_zone_is_refused() {
    let e = Schedule::new("Mars/Olympus_Mons", WorkingHours::default(), 60);
    assert_eq!(
        e,
        Err(ScheduleError::UnknownTimeZone("Mars/Olympus_Mons".into()))
    );
    assert!(Schedule::new("America/New_York", WorkingHours::default(), 60).is_ok());
}

#[test]
fn a_slot_length_outside_five_to_four_hundred_and_eighty_minutes_is_refused() {
    for bad in [0, 4, 481] {
        let e = Schedule::new("Europe/London", WorkingHours::default(), bad);
        assert_eq!(e, Err(ScheduleError::SlotLength(bad)));
    }
    for good in [5, 480] {
        assert!(Schedule::new("Europe/London", WorkingHours::default(), good).is_ok());
    }
}

#[test]
fn working_hours_must_start_before_they_end() {
    let e = WorkingHours::from_entries([("tue", "17:00", "09:00")]);
    assert!(matches!(
        e,
        Err(ScheduleError::EmptyInterval {
            day: Weekday::Tue,
            ..
        })
    ));
    let e = WorkingHours::from_entries([("tue", "09:00", "09:00")]);
    assert!(matches!(e, Err(ScheduleError::EmptyInterval { .. })));
}

#[test]
fn overlapping_working_hours_are_refused_but_touching_ones_are_kept() {
    let e = WorkingHours::from_entries([("wed", "09:00", "12:30"), ("wed", "12:00", "17:00")]);
    assert_eq!(e, Err(ScheduleError::Overlap(Weekday::Wed)));
    let ok = WorkingHours::from_entries([("wed", "13:00", "17:00"), ("wed", "09:00", "13:00")])
        .expect("touching intervals");
    assert_eq!(ok.wed.len(), 2);
    assert!(ok.wed[0].start < ok.wed[1].start, "sorted");
}

#[test]
fn clock_times_are_two_digit_hours_and_minutes_up_to_midnight() {
    assert_eq!(ClockTime::parse("09:05").map(ClockTime::minutes), Some(545));
    assert_eq!(ClockTime::parse("24:00"), Some(ClockTime::END_OF_DAY));
    for bad in ["9:00", "24:01", "12:60", "12-00", "", "aa:bb", "+1:00"] {
        assert_eq!(ClockTime::parse(bad), None, "{bad}");
    }
    let e = WorkingHours::from_entries([("mon", "9am", "5pm")]);
    assert_eq!(e, Err(ScheduleError::BadClockTime("9am".into())));
    let e = WorkingHours::from_entries([("funday", "09:00", "17:00")]);
    assert_eq!(e, Err(ScheduleError::UnknownWeekday("funday".into())));
}

#[test]
fn too_many_intervals_on_a_day_are_refused() {
    let times: Vec<(String, String)> = (0..13)
        .map(|h| (format!("{h:02}:00"), format!("{h:02}:30")))
        .collect();
    let e = WorkingHours::from_entries(times.iter().map(|(s, e)| ("thu", s.as_str(), e.as_str())));
    assert_eq!(e, Err(ScheduleError::TooManyIntervals(Weekday::Thu)));
}

#[test]
fn working_hours_round_trip_through_the_api_shape() {
    let hours = WorkingHours::from_entries([
        ("MON", "08:00", "12:00"),
        ("mon", "13:00", "24:00"),
        ("sat", "10:00", "14:00"),
    ])
    .expect("valid");
    let entries = hours.to_entries();
    let flat: Vec<(&str, &str, &str)> = entries
        .iter()
        .flat_map(|(d, list)| list.iter().map(move |(s, e)| (*d, s.as_str(), e.as_str())))
        .collect();
    assert_eq!(flat[1], ("mon", "13:00", "24:00"));
    assert_eq!(WorkingHours::from_entries(flat), Ok(hours));
}

// ---- free slots ----

#[test]
fn free_slots_across_the_london_spring_forward_week_stay_at_local_hours() {
    let s = london();
    // Friday 27 March 2026, 12:00 GMT; clocks go forward on Sunday 29 March.
    let slots = free_slots(&s, &[], at("2026-03-27T12:00:00Z"));
    let local = local(&s, &slots);
    // Friday after noon (4), two full weeks minus Friday 10 April (9 × 8), and
    // Friday 10 April up to the horizon at 13:00 BST inclusive (5).
    assert_eq!(slots.len(), 4 + 9 * 8 + 5);
    assert_eq!(local[0], ("2026-03-27".into(), "13:00".into()));
    assert_eq!(slots[0].starts_at, at("2026-03-27T13:00:00Z"));
    assert_eq!(local[4], ("2026-03-30".into(), "09:00".into()));
    assert_eq!(
        slots[4],
        slot("2026-03-30T08:00:00Z", "2026-03-30T09:00:00Z")
    );
    assert_eq!(local.last(), Some(&("2026-04-10".into(), "13:00".into())));
    assert!(
        local
            .iter()
            .all(|(_, t)| ("09:00".."17:00").contains(&t.as_str()))
    );
}

#[test]
fn free_slots_across_the_london_fall_back_week_stay_at_local_hours() {
    let s = london();
    // Friday 23 October 2026 16:30 BST; clocks go back on Sunday 25 October.
    let slots = free_slots(&s, &[], at("2026-10-23T15:30:00Z"));
    let local = local(&s, &slots);
    assert_eq!(local[0], ("2026-10-26".into(), "09:00".into()));
    assert_eq!(slots[0].starts_at, at("2026-10-26T09:00:00Z"));
    let friday_before = at("2026-10-23T08:00:00Z");
    assert!(slots.iter().all(|s| s.starts_at > friday_before));
    // Two full weeks of weekdays, then Friday 6 November up to 15:30 GMT: 09:00..15:00.
    assert_eq!(slots.len(), 9 * 8 + 7);
    assert!(
        local
            .iter()
            .all(|(_, t)| ("09:00".."17:00").contains(&t.as_str()))
    );
}

#[test]
fn a_spring_forward_gap_offers_no_slot() {
    let s = sunday_night(60, "00:00", "04:00");
    let slots = free_slots(&s, &[], at("2026-03-28T12:00:00Z"));
    let first_sunday: Vec<Slot> = slots.into_iter().take(3).collect();
    assert_eq!(
        first_sunday,
        vec![
            slot("2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z"), // 00:00 GMT
            slot("2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"), // 02:00 BST; 01:00 does not exist
            slot("2026-03-29T02:00:00Z", "2026-03-29T03:00:00Z"), // 03:00 BST
        ]
    );
}

#[test]
fn a_fall_back_fold_offers_the_earlier_instant_once() {
    let s = sunday_night(60, "00:00", "04:00");
    let slots = free_slots(&s, &[], at("2026-10-24T12:00:00Z"));
    let first_sunday: Vec<Timestamp> = slots.iter().take(4).map(|s| s.starts_at).collect();
    assert_eq!(
        first_sunday,
        vec![
            at("2026-10-24T23:00:00Z"), // 00:00 BST
            at("2026-10-25T00:00:00Z"), // 01:00 BST, the earlier of two 01:00s
            at("2026-10-25T02:00:00Z"), // 02:00 GMT
            at("2026-10-25T03:00:00Z"), // 03:00 GMT
        ]
    );
    assert_eq!(
        is_bookable(
            &s,
            &[],
            at("2026-10-24T12:00:00Z"),
            at("2026-10-25T01:00:00Z")
        ),
        Err(NotBookable::Misaligned),
        "the later 01:00 is not a slot"
    );
}

#[test]
fn slots_made_to_overlap_by_a_clock_change_keep_the_earlier_one() {
    let s = sunday_night(45, "00:30", "04:00");
    let slots = free_slots(&s, &[], at("2026-03-28T12:00:00Z"));
    let sunday: Vec<Slot> = slots.into_iter().take(2).collect();
    // 00:30 GMT lasts to 01:15Z; 02:00 BST (01:00Z) would overlap it; 02:45 BST is next.
    assert_eq!(
        sunday,
        vec![
            slot("2026-03-29T00:30:00Z", "2026-03-29T01:15:00Z"),
            slot("2026-03-29T01:45:00Z", "2026-03-29T02:30:00Z"),
        ]
    );
}

#[test]
fn free_slots_in_new_york_follow_the_american_change_date() {
    let s = in_zone("America/New_York");
    // Friday 6 March 2026 12:00 EST; US clocks go forward on Sunday 8 March.
    let slots = free_slots(&s, &[], at("2026-03-06T17:00:00Z"));
    assert_eq!(slots[0].starts_at, at("2026-03-06T18:00:00Z")); // 13:00 EST
    assert_eq!(slots[4].starts_at, at("2026-03-09T13:00:00Z")); // 09:00 EDT
    assert!(
        local(&s, &slots)
            .iter()
            .all(|(_, t)| ("09:00".."17:00").contains(&t.as_str()))
    );
}

#[test]
fn free_slots_in_sydney_follow_the_southern_autumn_change() {
    let s = in_zone("Australia/Sydney");
    // Thursday 2 April 2026 18:00 AEDT; Sydney clocks go back on Sunday 5 April.
    let slots = free_slots(&s, &[], at("2026-04-02T07:00:00Z"));
    assert_eq!(slots[0].starts_at, at("2026-04-02T22:00:00Z")); // Fri 09:00 AEDT (+11)
    assert_eq!(slots[8].starts_at, at("2026-04-05T23:00:00Z")); // Mon 09:00 AEST (+10)
    let local = local(&s, &slots);
    assert!(
        local
            .iter()
            .all(|(_, t)| ("09:00".."17:00").contains(&t.as_str()))
    );
}

#[test]
fn weekends_offer_slots_only_when_the_team_sets_hours_for_them() {
    let s = london();
    let saturday = |slots: &[Slot]| local(&s, slots).iter().any(|(d, _)| d == "2026-03-28");
    assert!(!saturday(&free_slots(&s, &[], at("2026-03-27T12:00:00Z"))));
    let mut open = london();
    open.working_hours.sat = WorkingHours::from_entries([("sat", "10:00", "12:00")])
        .expect("valid")
        .sat;
    let slots = free_slots(&open, &[], at("2026-03-27T12:00:00Z"));
    assert!(slots.contains(&slot("2026-03-28T10:00:00Z", "2026-03-28T11:00:00Z")));
}

#[test]
fn scheduled_appointments_hide_every_slot_they_overlap() {
    let busy = [slot(
        "2026-03-30T09:30:00+01:00",
        "2026-03-30T11:00:00+01:00",
    )];
    let slots = free_slots(&london(), &busy, at("2026-03-27T12:00:00Z"));
    let monday: Vec<String> = local(&london(), &slots)
        .into_iter()
        .filter(|(d, _)| d == "2026-03-30")
        .map(|(_, t)| t)
        .collect();
    assert_eq!(
        monday,
        ["11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]
    );
}

#[test]
fn a_slot_starting_exactly_now_is_not_free_and_one_at_the_horizon_is() {
    let now = at("2026-03-25T10:00:00Z");
    let slots = free_slots(&london(), &[], now);
    assert_eq!(slots[0].starts_at, at("2026-03-25T11:00:00Z"));
    assert_eq!(
        slots.last().map(|s| s.starts_at),
        Some(at("2026-04-08T10:00:00Z"))
    );
}

// ---- is_bookable ----

const NOW: &str = "2026-03-25T10:30:00Z"; // Wednesday, GMT

fn book(starts_at: &str, busy: &[Slot]) -> Result<Slot, NotBookable> {
    is_bookable(&london(), busy, at(NOW), at(starts_at))
}

#[test]
fn a_free_slot_is_bookable() {
    assert_eq!(
        book("2026-03-26T09:00:00Z", &[]),
        Ok(slot("2026-03-26T09:00:00Z", "2026-03-26T10:00:00Z"))
    );
    assert_eq!(
        book("2026-03-30T09:00:00+01:00", &[]),
        Ok(slot("2026-03-30T08:00:00Z", "2026-03-30T09:00:00Z"))
    );
}

#[test]
fn a_past_time_is_not_bookable() {
    assert_eq!(book("2026-03-25T10:00:00Z", &[]), Err(NotBookable::Past));
    assert_eq!(book(NOW, &[]), Err(NotBookable::Past));
}

#[test]
fn a_time_beyond_fourteen_days_is_not_bookable() {
    assert_eq!(
        book("2026-04-08T11:00:00+01:00", &[]),
        Ok(slot("2026-04-08T10:00:00Z", "2026-04-08T11:00:00Z"))
    );
    assert_eq!(
        book("2026-04-08T12:00:00+01:00", &[]),
        Err(NotBookable::BeyondHorizon)
    );
}

#[test]
fn a_weekend_time_is_not_bookable() {
    assert_eq!(
        book("2026-03-28T10:00:00Z", &[]),
        Err(NotBookable::ClosedDay(Weekday::Sat))
    );
    assert_eq!(
        book("2026-03-29T10:00:00+01:00", &[]),
        Err(NotBookable::ClosedDay(Weekday::Sun))
    );
}

#[test]
fn a_time_outside_working_hours_is_not_bookable() {
    assert_eq!(
        book("2026-03-26T08:00:00Z", &[]),
        Err(NotBookable::OutsideHours)
    );
    assert_eq!(
        book("2026-03-26T17:00:00Z", &[]),
        Err(NotBookable::OutsideHours)
    );
    assert_eq!(
        book("2026-03-30T08:00:00+01:00", &[]),
        Err(NotBookable::OutsideHours)
    );
}

#[test]
fn a_misaligned_time_is_not_bookable() {
    assert_eq!(
        book("2026-03-26T09:30:00Z", &[]),
        Err(NotBookable::Misaligned)
    );
    assert_eq!(
        book("2026-03-26T09:00:01Z", &[]),
        Err(NotBookable::Misaligned)
    );
    assert_eq!(
        book("2026-03-30T09:00:00Z", &[]).map(|s| s.starts_at),
        Ok(at("2026-03-30T10:00:00+01:00"))
    );
    assert_eq!(
        book("2026-03-30T09:30:00+01:00", &[]),
        Err(NotBookable::Misaligned)
    );
}

#[test]
fn a_slot_overlapping_a_scheduled_appointment_is_taken() {
    let busy = [slot("2026-03-26T09:30:00Z", "2026-03-26T10:30:00Z")];
    assert_eq!(book("2026-03-26T09:00:00Z", &busy), Err(NotBookable::Taken));
    assert_eq!(book("2026-03-26T10:00:00Z", &busy), Err(NotBookable::Taken));
    assert!(book("2026-03-26T11:00:00Z", &busy).is_ok());
    assert_eq!(NotBookable::Taken.kind(), crate::RefusalKind::Conflict);
    assert_eq!(
        NotBookable::Misaligned.kind(),
        crate::RefusalKind::Unprocessable
    );
}

#[test]
fn is_bookable_agrees_with_free_slots_on_every_quarter_hour() {
    let busy = [slot("2026-10-27T10:00:00Z", "2026-10-27T12:15:00Z")];
    for schedule in [
        london(),
        in_zone("America/New_York"),
        in_zone("Australia/Sydney"),
        sunday_night(45, "00:30", "04:00"),
    ] {
        for now in [
            at("2026-03-27T12:00:00Z"),
            at("2026-10-23T15:30:00Z"),
            at("2026-04-02T07:00:00Z"),
        ] {
            let free = free_slots(&schedule, &busy, now);
            let mut t = now.plus_seconds(-3600);
            let end = now.plus_seconds(15 * 24 * 3600);
            while t < end {
                let expected = free.iter().find(|s| s.starts_at == t).copied();
                assert_eq!(
                    is_bookable(&schedule, &busy, now, t).ok(),
                    expected,
                    "{} at {t}",
                    schedule.time_zone
                );
                t = t.plus_seconds(15 * 60);
            }
        }
    }
}
