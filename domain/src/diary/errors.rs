//! The rules a diary command can break.

use crate::access::AccessDenied;
use crate::aggregate::refusal_enum;
use crate::ids::AppointmentId;
use crate::schedule::NotBookable;

refusal_enum! {
    pub enum DiaryError: DiaryRule, wrapping Access(AccessDenied) => Forbidden {
        /// Past, beyond 14 days, a day without hours, outside hours or misaligned.
        #[error("not a bookable slot: {0}")]
        NotBookable(NotBookable) => Unprocessable,
        #[error("the slot is taken")]
        SlotTaken => Conflict,
        #[error("appointment {0} already exists")]
        AppointmentExists(AppointmentId) => Conflict,
        #[error("no appointment {0}")]
        UnknownAppointment(AppointmentId) => NotFound,
        #[error("an appointment must start before it ends")]
        EmptyRange => Unprocessable,
        #[error("an appointment title has at most {max} characters")]
        #[strum_discriminants(strum(serialize = "diary-title-too-long"))]
        TitleTooLong { max: usize } => Unprocessable,
        #[error(
            "an appointment title is one line without control, bidirectional or invisible characters"
        )]
        #[strum_discriminants(strum(serialize = "diary-title-has-hidden-characters"))]
        TitleHasHiddenCharacters => Unprocessable,
        #[error("it is less than 24 hours to the appointment: please contact the business")]
        CancellationWindowClosed => Unprocessable,
        #[error("the appointment has already taken place")]
        AlreadyCompleted(AppointmentId) => Conflict,
        #[error("the cancellation window of {0} is still open")]
        WindowStillOpen(AppointmentId) => Unprocessable,
        #[error("appointment {0} has not ended yet")]
        NotEnded(AppointmentId) => Unprocessable,
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
