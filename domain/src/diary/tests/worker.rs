//! Worker.

use super::*;

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

#[test]
fn the_busy_ranges_follow_every_status_change_in_a_long_diary() {
    // An hour on each day of April 1–28: every third cancelled, every
    // fifth of the others completed.
    let mut history = Vec::new();
    for n in 1..=28u128 {
        let day = format!("2026-04-{n:02}");
        history.push(booked(
            n,
            bob(),
            &format!("{day}T09:00:00Z"),
            &format!("{day}T10:00:00Z"),
        ));
        if n % 3 == 0 {
            history.push(cancelled(n, Author::Client(bob())));
        } else if n % 5 == 0 {
            history.push(completed(n));
        }
    }
    let diary = given::<Diary>(history).state().clone();
    let expected: Vec<_> = diary
        .appointments()
        .filter(|a| a.status == AppointmentStatus::Scheduled)
        .map(Appointment::slot)
        .collect();
    assert_eq!(expected.len(), 28 - 9 - 4, "9 cancelled, 4 completed");
    assert_eq!(diary.busy(), expected);
}
