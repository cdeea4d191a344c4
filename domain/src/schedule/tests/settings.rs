//! Settings.

use super::*;

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
fn the_listed_time_zone_names_are_the_iana_ones() {
    let names = time_zone_names();
    assert!(names.iter().any(|n| n == "Europe/London"));
    assert!(names.iter().any(|n| n == "America/New_York"));
    assert!(!names.iter().any(|n| n == "Mars/Olympus_Mons"));
    assert!(names.len() > 300, "{}", names.len());
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
