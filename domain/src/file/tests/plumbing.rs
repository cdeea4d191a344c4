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
