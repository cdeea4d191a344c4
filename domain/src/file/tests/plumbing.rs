//! Plumbing.

use super::*;

#[test]
fn refusals_map_to_their_status_kinds() {
    assert_eq!(
        FileError::TooLarge { size: 2, limit: 1 }.kind(),
        RefusalKind::Unprocessable
    );
    assert_eq!(
        FileError::TypeNotAllowed("x".into()).kind(),
        RefusalKind::Unprocessable
    );
    assert_eq!(FileError::NotFound.kind(), RefusalKind::NotFound);
    assert_eq!(
        FileError::from(AccessDenied::PortalSuspended).kind(),
        RefusalKind::Forbidden
    );
}

#[test]
fn every_file_event_round_trips_through_the_codec() {
    let events = samples::events();
    let mut types: Vec<&str> = events.iter().map(EventCodec::event_type).collect();
    types.sort_unstable();
    let mut known: Vec<&str> = FileEvent::known_versions()
        .iter()
        .map(|(t, _)| *t)
        .collect();
    known.sort_unstable();
    assert_eq!(types, known, "samples hold every variant");
    for e in events {
        let back = FileEvent::decode(e.event_type(), e.schema_version(), &e.encode());
        assert_eq!(back, Ok(e));
    }
}
