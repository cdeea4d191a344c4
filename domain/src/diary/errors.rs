//! The rules a diary command can break.

use crate::access::AccessDenied;
use crate::aggregate::{Refusal, RefusalKind};
use crate::ids::AppointmentId;
use crate::schedule::NotBookable;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiaryError {
    #[error(transparent)]
    Access(#[from] AccessDenied),
    /// Past, beyond 14 days, a day without hours, outside hours or misaligned.
    #[error("not a bookable slot: {0}")]
    NotBookable(NotBookable),
    #[error("the slot is taken")]
    SlotTaken,
    #[error("appointment {0} already exists")]
    AppointmentExists(AppointmentId),
    #[error("no appointment {0}")]
    UnknownAppointment(AppointmentId),
    #[error("an appointment must start before it ends")]
    EmptyRange,
    #[error("an appointment title has at most {max} characters")]
    TitleTooLong { max: usize },
    #[error("it is less than 24 hours to the appointment: please contact the business")]
    CancellationWindowClosed,
    #[error("the appointment has already taken place")]
    AlreadyCompleted(AppointmentId),
    #[error("the cancellation window of {0} is still open")]
    WindowStillOpen(AppointmentId),
    #[error("appointment {0} has not ended yet")]
    NotEnded(AppointmentId),
}

impl Refusal for DiaryError {
    fn kind(&self) -> RefusalKind {
        match self {
            DiaryError::Access(e) => e.kind(),
            DiaryError::UnknownAppointment(_) => RefusalKind::NotFound,
            DiaryError::SlotTaken
            | DiaryError::AppointmentExists(_)
            | DiaryError::AlreadyCompleted(_) => RefusalKind::Conflict,
            DiaryError::NotBookable(_)
            | DiaryError::EmptyRange
            | DiaryError::TitleTooLong { .. }
            | DiaryError::CancellationWindowClosed
            | DiaryError::WindowStillOpen(_)
            | DiaryError::NotEnded(_) => RefusalKind::Unprocessable,
        }
    }
}

impl From<NotBookable> for DiaryError {
    fn from(reason: NotBookable) -> Self {
        match reason {
            NotBookable::Taken => DiaryError::SlotTaken,
            other => DiaryError::NotBookable(other),
        }
    }
}
