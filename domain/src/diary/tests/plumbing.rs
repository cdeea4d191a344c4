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
