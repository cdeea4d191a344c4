//! Booking.

use super::*;

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
fn booking_a_time_that_is_not_bookable_is_refused_with_the_reason() {
    for (starts_at, reason) in [
        ("2026-03-28T10:00:00Z", NotBookable::ClosedDay(Weekday::Sat)),
        ("2026-03-26T17:00:00Z", NotBookable::OutsideHours),
        ("2026-03-26T09:15:00Z", NotBookable::Misaligned),
        ("2026-03-25T10:00:00Z", NotBookable::Past),
        ("2026-04-09T09:00:00+01:00", NotBookable::BeyondHorizon),
    ] {
        given::<Diary>([])
            .at(now())
            .when(book(1, starts_at))
            .then_refused(DiaryError::NotBookable(reason));
    }
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
