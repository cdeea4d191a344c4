use super::*;
use crate::access::{AccessDenied, Author, By, ClientPortal, Section, Sections};
use crate::codec::EventCodec;
use crate::ids::{AppointmentId, ClientId, StaffId};
use crate::schedule::{NotBookable, Schedule, Weekday};
use crate::testing::given;
use crate::time::Timestamp;
use crate::{Aggregate, Refusal, RefusalKind};
use uuid::Uuid;

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).expect("test instant")
}

/// Wednesday 25 March 2026, 10:30 GMT.
fn now() -> Timestamp {
    at("2026-03-25T10:30:00Z")
}

fn appt(n: u128) -> AppointmentId {
    AppointmentId(Uuid::from_u128(n))
}

fn alice() -> ClientId {
    ClientId(Uuid::from_u128(0xa11ce))
}

fn bob() -> ClientId {
    ClientId(Uuid::from_u128(0xb0b))
}

fn staff() -> StaffId {
    StaffId(Uuid::from_u128(0x57aff))
}

fn portal(client: ClientId) -> ClientPortal {
    ClientPortal {
        client,
        enabled: true,
        sections: Sections::ALL,
    }
}

fn book_as(portal: ClientPortal, id: u128, starts_at: &str) -> DiaryCommand {
    DiaryCommand::Book {
        appointment: appt(id),
        portal,
        starts_at: at(starts_at),
        schedule: Schedule::default(),
    }
}

fn book(id: u128, starts_at: &str) -> DiaryCommand {
    book_as(portal(alice()), id, starts_at)
}

fn booked(id: u128, client: ClientId, starts_at: &str, ends_at: &str) -> DiaryEvent {
    DiaryEvent::Booked(AppointmentBooked {
        appointment: appt(id),
        client,
        starts_at: at(starts_at),
        ends_at: at(ends_at),
    })
}

/// Alice's booking on Thursday 26 March 2026, 09:00–10:00 GMT.
fn alices_thursday() -> DiaryEvent {
    booked(1, alice(), "2026-03-26T09:00:00Z", "2026-03-26T10:00:00Z")
}

fn added(id: u128, client: Option<ClientId>, starts_at: &str, ends_at: &str) -> DiaryEvent {
    DiaryEvent::Added(AppointmentAdded {
        appointment: appt(id),
        by: staff(),
        client,
        title: None,
        starts_at: at(starts_at),
        ends_at: at(ends_at),
    })
}

fn add(id: u128, starts_at: &str, ends_at: &str, title: Option<&str>) -> DiaryCommand {
    DiaryCommand::Add {
        appointment: appt(id),
        staff: staff(),
        client: None,
        title: title.map(str::to_owned),
        starts_at: at(starts_at),
        ends_at: at(ends_at),
    }
}

fn cancel(id: u128, by: By) -> DiaryCommand {
    DiaryCommand::Cancel {
        appointment: appt(id),
        by,
    }
}

fn cancelled(id: u128, by: Author) -> DiaryEvent {
    DiaryEvent::Cancelled(AppointmentCancelled {
        appointment: appt(id),
        by,
    })
}

fn window_closed(id: u128) -> DiaryEvent {
    DiaryEvent::WindowClosed(CancellationWindowClosed {
        appointment: appt(id),
    })
}

fn completed(id: u128) -> DiaryEvent {
    DiaryEvent::Completed(AppointmentCompleted {
        appointment: appt(id),
    })
}

fn close(id: u128) -> DiaryCommand {
    DiaryCommand::CloseCancellationWindow {
        appointment: appt(id),
    }
}

fn complete(id: u128) -> DiaryCommand {
    DiaryCommand::Complete {
        appointment: appt(id),
    }
}

// ---- booking ----

#[test]
fn a_client_can_book_a_free_slot() {
    given::<Diary>([])
        .at(now())
        .when(book(1, "2026-03-26T09:00:00Z"))
        .then([alices_thursday()]);
}

#[test]
fn booking_a_slot_another_client_holds_is_refused_as_taken() {
    given::<Diary>([alices_thursday()])
        .at(now())
        .when(book_as(portal(bob()), 2, "2026-03-26T09:00:00Z"))
        .then_refused(DiaryError::SlotTaken);
}

#[test]
fn booking_a_slot_overlapping_a_staff_appointment_is_refused_as_taken() {
    given::<Diary>([added(
        9,
        None,
        "2026-03-26T10:30:00Z",
        "2026-03-26T10:45:00Z",
    )])
    .at(now())
    .when(book(1, "2026-03-26T10:00:00Z"))
    .then_refused(DiaryError::SlotTaken);
}

#[test]
fn a_cancelled_appointment_frees_its_slot() {
    given::<Diary>([alices_thursday(), cancelled(1, Author::Client(alice()))])
        .at(now())
        .when(book_as(portal(bob()), 2, "2026-03-26T09:00:00Z"))
        .then([booked(
            2,
            bob(),
            "2026-03-26T09:00:00Z",
            "2026-03-26T10:00:00Z",
        )]);
}

#[test]
fn booking_on_a_weekend_is_refused() {
    given::<Diary>([])
        .at(now())
        .when(book(1, "2026-03-28T10:00:00Z"))
        .then_refused(DiaryError::NotBookable(NotBookable::ClosedDay(
            Weekday::Sat,
        )));
}

#[test]
fn booking_outside_working_hours_is_refused() {
    given::<Diary>([])
        .at(now())
        .when(book(1, "2026-03-26T17:00:00Z"))
        .then_refused(DiaryError::NotBookable(NotBookable::OutsideHours));
}

#[test]
fn booking_a_misaligned_time_is_refused() {
    given::<Diary>([])
        .at(now())
        .when(book(1, "2026-03-26T09:15:00Z"))
        .then_refused(DiaryError::NotBookable(NotBookable::Misaligned));
}

#[test]
fn booking_a_past_slot_is_refused() {
    given::<Diary>([])
        .at(now())
        .when(book(1, "2026-03-25T10:00:00Z"))
        .then_refused(DiaryError::NotBookable(NotBookable::Past));
}

#[test]
fn booking_beyond_fourteen_days_is_refused() {
    given::<Diary>([])
        .at(now())
        .when(book(1, "2026-04-09T09:00:00+01:00"))
        .then_refused(DiaryError::NotBookable(NotBookable::BeyondHorizon));
}

#[test]
fn booking_with_meetings_off_is_refused() {
    let mut p = portal(alice());
    p.sections.meetings = false;
    given::<Diary>([])
        .at(now())
        .when(book_as(p, 1, "2026-03-26T09:00:00Z"))
        .then_refused(AccessDenied::SectionOff(Section::Meetings).into());
}

#[test]
fn booking_with_a_suspended_portal_is_refused() {
    let mut p = portal(alice());
    p.enabled = false;
    given::<Diary>([])
        .at(now())
        .when(book_as(p, 1, "2026-03-26T09:00:00Z"))
        .then_refused(AccessDenied::PortalSuspended.into());
}

#[test]
fn a_booking_lasts_the_slot_length_of_the_schedule_it_was_made_under() {
    let schedule = Schedule {
        slot_minutes: 30,
        ..Schedule::default()
    };
    given::<Diary>([])
        .at(now())
        .when(DiaryCommand::Book {
            appointment: appt(1),
            portal: portal(alice()),
            starts_at: at("2026-03-26T09:30:00Z"),
            schedule,
        })
        .then([booked(
            1,
            alice(),
            "2026-03-26T09:30:00Z",
            "2026-03-26T10:00:00Z",
        )]);
}

#[test]
fn a_repeated_booking_records_nothing() {
    given::<Diary>([alices_thursday()])
        .at(now())
        .when(book(1, "2026-03-26T09:00:00Z"))
        .then_nothing();
}

#[test]
fn an_appointment_id_cannot_be_reused_for_another_booking() {
    given::<Diary>([alices_thursday()])
        .at(now())
        .when(book(1, "2026-03-26T11:00:00Z"))
        .then_refused(DiaryError::AppointmentExists(appt(1)));
}

// ---- staff appointments ----

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

// ---- cancelling ----

#[test]
fn a_client_can_cancel_exactly_24_hours_before_the_start() {
    given::<Diary>([alices_thursday()])
        .at(at("2026-03-25T09:00:00Z"))
        .when(cancel(1, By::Client(portal(alice()))))
        .then([cancelled(1, Author::Client(alice()))]);
}

#[test]
fn a_client_cannot_cancel_less_than_24_hours_before_the_start() {
    given::<Diary>([alices_thursday()])
        .at(at("2026-03-25T09:00:00.000001Z"))
        .when(cancel(1, By::Client(portal(alice()))))
        .then_refused(DiaryError::CancellationWindowClosed);
}

#[test]
fn a_client_cannot_cancel_once_the_window_closed_event_is_recorded() {
    given::<Diary>([alices_thursday(), window_closed(1)])
        .at(at("2026-03-24T09:00:00Z"))
        .when(cancel(1, By::Client(portal(alice()))))
        .then_refused(DiaryError::CancellationWindowClosed);
}

#[test]
fn staff_can_cancel_at_any_time() {
    given::<Diary>([alices_thursday(), window_closed(1)])
        .at(at("2026-03-26T09:30:00Z"))
        .when(cancel(1, By::Staff(staff())))
        .then([cancelled(1, Author::Staff(staff()))]);
}

#[test]
fn a_client_cancelling_another_clients_appointment_is_told_it_does_not_exist() {
    given::<Diary>([alices_thursday()])
        .at(now())
        .when(cancel(1, By::Client(portal(bob()))))
        .then_refused(DiaryError::UnknownAppointment(appt(1)));
}

#[test]
fn a_client_cannot_cancel_an_appointment_without_a_client() {
    given::<Diary>([added(
        2,
        None,
        "2026-03-30T09:00:00Z",
        "2026-03-30T10:00:00Z",
    )])
    .at(now())
    .when(cancel(2, By::Client(portal(alice()))))
    .then_refused(DiaryError::UnknownAppointment(appt(2)));
}

#[test]
fn a_client_can_cancel_an_appointment_staff_made_for_them() {
    given::<Diary>([added(
        2,
        Some(alice()),
        "2026-03-30T09:00:00Z",
        "2026-03-30T10:00:00Z",
    )])
    .at(now())
    .when(cancel(2, By::Client(portal(alice()))))
    .then([cancelled(2, Author::Client(alice()))]);
}

#[test]
fn cancelling_an_unknown_appointment_is_refused() {
    given::<Diary>([])
        .when(cancel(7, By::Staff(staff())))
        .then_refused(DiaryError::UnknownAppointment(appt(7)));
}

#[test]
fn cancelling_twice_records_nothing() {
    given::<Diary>([alices_thursday(), cancelled(1, Author::Client(alice()))])
        .at(now())
        .when(cancel(1, By::Client(portal(alice()))))
        .then_nothing();
}

#[test]
fn a_client_cannot_cancel_with_meetings_off() {
    let mut p = portal(alice());
    p.sections.meetings = false;
    given::<Diary>([alices_thursday()])
        .at(now())
        .when(cancel(1, By::Client(p)))
        .then_refused(AccessDenied::SectionOff(Section::Meetings).into());
}

#[test]
fn staff_cannot_cancel_a_completed_appointment() {
    given::<Diary>([alices_thursday(), completed(1)])
        .at(at("2026-03-27T09:00:00Z"))
        .when(cancel(1, By::Staff(staff())))
        .then_refused(DiaryError::AlreadyCompleted(appt(1)));
}

#[test]
fn can_cancel_is_false_from_the_moment_the_deadline_passes() {
    let diary = given::<Diary>([alices_thursday()]).state().clone();
    let a = diary.appointment(appt(1)).expect("booked");
    assert!(can_cancel(a, at("2026-03-25T09:00:00Z")));
    assert!(!can_cancel(a, at("2026-03-25T09:00:00.000001Z")));
    let closed = diary.clone().evolve(&window_closed(1));
    let a = closed.appointment(appt(1)).expect("booked");
    assert!(!can_cancel(a, at("2026-03-20T09:00:00Z")));
}

// ---- worker ----

#[test]
fn the_window_closes_once_less_than_24_hours_remain() {
    given::<Diary>([alices_thursday()])
        .at(at("2026-03-25T09:00:00.000001Z"))
        .when(close(1))
        .then([window_closed(1)]);
}

#[test]
fn the_window_cannot_close_while_a_client_may_still_cancel() {
    given::<Diary>([alices_thursday()])
        .at(at("2026-03-25T09:00:00Z"))
        .when(close(1))
        .then_refused(DiaryError::WindowStillOpen(appt(1)));
}

#[test]
fn closing_a_window_twice_records_nothing() {
    given::<Diary>([alices_thursday(), window_closed(1)])
        .at(at("2026-03-26T08:00:00Z"))
        .when(close(1))
        .then_nothing();
}

#[test]
fn closing_the_window_of_a_cancelled_appointment_records_nothing() {
    given::<Diary>([alices_thursday(), cancelled(1, Author::Staff(staff()))])
        .at(at("2026-03-26T08:00:00Z"))
        .when(close(1))
        .then_nothing();
}

#[test]
fn an_ended_appointment_is_completed() {
    given::<Diary>([alices_thursday()])
        .at(at("2026-03-26T10:00:00Z"))
        .when(complete(1))
        .then([completed(1)]);
}

#[test]
fn an_appointment_cannot_be_completed_before_it_ends() {
    given::<Diary>([alices_thursday()])
        .at(at("2026-03-26T09:59:59Z"))
        .when(complete(1))
        .then_refused(DiaryError::NotEnded(appt(1)));
}

#[test]
fn completing_a_completed_or_cancelled_appointment_records_nothing() {
    given::<Diary>([alices_thursday(), completed(1)])
        .at(at("2026-03-27T10:00:00Z"))
        .when(complete(1))
        .then_nothing();
    given::<Diary>([alices_thursday(), cancelled(1, Author::Staff(staff()))])
        .at(at("2026-03-27T10:00:00Z"))
        .when(complete(1))
        .then_nothing();
}

#[test]
fn the_worker_is_told_which_windows_to_close_and_which_appointments_ended() {
    let diary = given::<Diary>([
        alices_thursday(),
        booked(2, bob(), "2026-03-27T09:00:00Z", "2026-03-27T10:00:00Z"),
        added(3, None, "2026-03-26T08:00:00Z", "2026-03-26T08:30:00Z"),
        booked(4, bob(), "2026-03-26T11:00:00Z", "2026-03-26T12:00:00Z"),
        cancelled(4, Author::Client(bob())),
    ])
    .state()
    .clone();
    let due = diary.due_at(at("2026-03-26T09:00:00Z"));
    assert_eq!(due.close_windows, vec![appt(1)]);
    assert_eq!(due.complete, vec![appt(3)]);
    assert_eq!(
        diary.next_due_after(at("2026-03-26T09:00:00Z")),
        Some(at("2026-03-26T09:00:00.000001Z")),
        "Bob's Friday window closes just after Thursday 09:00"
    );
    assert_eq!(diary.due_at(at("2026-03-24T09:00:00Z")), DueWork::default());
}

#[test]
fn busy_ranges_are_the_scheduled_appointments_only() {
    let diary = given::<Diary>([
        alices_thursday(),
        added(3, None, "2026-03-26T08:00:00Z", "2026-03-26T08:30:00Z"),
        completed(3),
        booked(4, bob(), "2026-03-26T11:00:00Z", "2026-03-26T12:00:00Z"),
        cancelled(4, Author::Client(bob())),
    ])
    .state()
    .clone();
    let busy: Vec<_> = diary.busy().iter().map(|s| s.starts_at).collect();
    assert_eq!(busy, vec![at("2026-03-26T09:00:00Z")]);
}

// ---- plumbing ----

#[test]
fn refusals_map_to_their_status_kinds() {
    assert_eq!(DiaryError::SlotTaken.kind(), RefusalKind::Conflict);
    assert_eq!(
        DiaryError::NotBookable(NotBookable::Past).kind(),
        RefusalKind::Unprocessable
    );
    assert_eq!(
        DiaryError::CancellationWindowClosed.kind(),
        RefusalKind::Unprocessable
    );
    assert_eq!(
        DiaryError::UnknownAppointment(appt(1)).kind(),
        RefusalKind::NotFound
    );
    assert_eq!(
        DiaryError::from(AccessDenied::PortalSuspended).kind(),
        RefusalKind::Forbidden
    );
}

#[test]
fn every_diary_event_round_trips_through_the_codec() {
    let events = samples::events();
    let mut types: Vec<&str> = events.iter().map(EventCodec::event_type).collect();
    types.sort_unstable();
    let mut known: Vec<&str> = DiaryEvent::known_versions()
        .iter()
        .map(|(t, _)| *t)
        .collect();
    known.sort_unstable();
    assert_eq!(types, known, "samples hold every variant");
    for e in events {
        let back = DiaryEvent::decode(e.event_type(), e.schema_version(), &e.encode());
        assert_eq!(back, Ok(e));
    }
}
