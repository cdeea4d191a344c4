//! What can be asked of a team's diary.

use crate::access::{By, ClientPortal};
use crate::ids::{AppointmentId, ClientId, StaffId};
use crate::schedule::Schedule;
use crate::time::Timestamp;

#[derive(Debug, Clone, PartialEq)]
pub enum DiaryCommand {
    /// A client books the free slot starting at `starts_at`. The team's
    /// current schedule comes from team settings; the appointments it must
    /// not overlap are the diary's own.
    Book {
        appointment: AppointmentId,
        portal: ClientPortal,
        starts_at: Timestamp,
        schedule: Schedule,
    },
    /// Staff put any time range in the diary, for a client or not.
    Add {
        appointment: AppointmentId,
        staff: StaffId,
        client: Option<ClientId>,
        title: Option<String>,
        starts_at: Timestamp,
        ends_at: Timestamp,
    },
    /// A client cancels their own appointment, or staff cancel any.
    Cancel { appointment: AppointmentId, by: By },
    /// The worker: the client-cancellation window of an appointment has passed.
    CloseCancellationWindow { appointment: AppointmentId },
    /// The worker: an appointment has ended.
    Complete { appointment: AppointmentId },
}
