//! Staff appointments.

use super::*;

#[test]
fn staff_can_add_an_appointment_at_any_time_range() {
    // Overlapping Alice's booking and not aligned to any slot.
    given::<Diary>([alices_thursday()])
        .at(now())
        .when(add(
            2,
            "2026-03-26T09:30:00Z",
            "2026-03-26T09:40:00Z",
            Some("  Quick call "),
        ))
        .then([DiaryEvent::Added(AppointmentAdded {
            appointment: appt(2),
            by: staff(),
            client: None,
            title: Some("Quick call".into()),
            starts_at: at("2026-03-26T09:30:00Z"),
            ends_at: at("2026-03-26T09:40:00Z"),
        })]);
}

#[test]
fn a_staff_appointment_must_start_before_it_ends() {
    given::<Diary>([])
        .when(add(2, "2026-03-28T18:00:00Z", "2026-03-28T18:00:00Z", None))
        .then_refused(DiaryError::EmptyRange);
}

#[test]
fn a_staff_appointment_title_is_bounded() {
    let long = "x".repeat(201);
    given::<Diary>([])
        .when(add(
            2,
            "2026-03-28T18:00:00Z",
            "2026-03-28T19:00:00Z",
            Some(&long),
        ))
        .then_refused(DiaryError::TitleTooLong { max: 200 });
}

#[test]
fn a_blank_staff_appointment_title_is_no_title() {
    given::<Diary>([])
        .when(add(
            2,
            "2026-03-28T18:00:00Z",
            "2026-03-28T19:00:00Z",
            Some("   "),
        ))
        .then([added(
            2,
            None,
            "2026-03-28T18:00:00Z",
            "2026-03-28T19:00:00Z",
        )]);
}

#[test]
fn adding_the_same_staff_appointment_twice_records_nothing() {
    given::<Diary>([added(
        2,
        None,
        "2026-03-28T18:00:00Z",
        "2026-03-28T19:00:00Z",
    )])
    .when(add(2, "2026-03-28T18:00:00Z", "2026-03-28T19:00:00Z", None))
    .then_nothing();
}

#[test]
fn a_staff_appointment_title_is_one_line_without_escapes_or_overrides() {
    for title in [
        "Call\nIP 198.51.100.7",
        "Call\u{1b}[2J",
        "Call \u{202e}llac",
        "Call\u{feff}",
    ] {
        given::<Diary>([])
            .when(add(
                2,
                "2026-03-28T18:00:00Z",
                "2026-03-28T19:00:00Z",
                Some(title),
            ))
            .then_refused(DiaryError::TitleHasHiddenCharacters);
    }
}
