//! Is_bookable.

use super::*;

const NOW: &str = "2026-03-25T10:30:00Z"; // Wednesday, GMT

fn book(starts_at: &str, busy: &[Slot]) -> Result<Slot, NotBookable> {
    is_bookable(&london(), busy, at(NOW), at(starts_at))
}

#[test]
fn a_free_slot_in_working_hours_within_fourteen_days_is_bookable() {
    for (starts_at, ends_at) in [
        ("2026-03-26T09:00:00Z", "2026-03-26T10:00:00Z"),
        // Summer time: 09:00 in London.
        ("2026-03-30T09:00:00+01:00", "2026-03-30T10:00:00+01:00"),
        // 10:00 in London: slots are aligned in local time.
        ("2026-03-30T09:00:00Z", "2026-03-30T10:00:00Z"),
        // The last slot within fourteen days.
        ("2026-04-08T11:00:00+01:00", "2026-04-08T12:00:00+01:00"),
    ] {
        let booked = book(starts_at, &[]);
        assert_eq!(booked, Ok(slot(starts_at, ends_at)), "{starts_at}");
    }
}

#[test]
fn a_time_that_is_not_bookable_is_refused_with_the_reason() {
    for (starts_at, reason) in [
        ("2026-03-25T10:00:00Z", NotBookable::Past),
        (NOW, NotBookable::Past),
        ("2026-04-08T12:00:00+01:00", NotBookable::BeyondHorizon),
        ("2026-03-28T10:00:00Z", NotBookable::ClosedDay(Weekday::Sat)),
        (
            "2026-03-29T10:00:00+01:00",
            NotBookable::ClosedDay(Weekday::Sun),
        ),
        ("2026-03-26T08:00:00Z", NotBookable::OutsideHours),
        ("2026-03-26T17:00:00Z", NotBookable::OutsideHours),
        ("2026-03-30T08:00:00+01:00", NotBookable::OutsideHours),
        ("2026-03-26T09:30:00Z", NotBookable::Misaligned),
        ("2026-03-26T09:00:01Z", NotBookable::Misaligned),
        ("2026-03-30T09:30:00+01:00", NotBookable::Misaligned),
    ] {
        assert_eq!(book(starts_at, &[]), Err(reason), "{starts_at}");
    }
}

#[test]
fn a_slot_overlapping_a_scheduled_appointment_is_taken() {
    let busy = [slot("2026-03-26T09:30:00Z", "2026-03-26T10:30:00Z")];
    assert_eq!(book("2026-03-26T09:00:00Z", &busy), Err(NotBookable::Taken));
    assert_eq!(book("2026-03-26T10:00:00Z", &busy), Err(NotBookable::Taken));
    assert!(book("2026-03-26T11:00:00Z", &busy).is_ok());
    let refused = |reason| crate::Refusal::kind(&crate::diary::DiaryError::from(reason));
    assert_eq!(refused(NotBookable::Taken), crate::RefusalKind::Conflict);
    assert_eq!(
        refused(NotBookable::Misaligned),
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
