//! Plumbing.

use super::*;

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
