//! Cancelling.

use super::*;

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
