//! The rules a diary command can break.

use crate::access::AccessDenied;
use crate::aggregate::{Refusal, RefusalKind, Rule};
use crate::ids::AppointmentId;
use crate::schedule::NotBookable;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(DiaryRule),
    derive(strum::EnumIter, strum::IntoStaticStr),
    strum(serialize_all = "kebab-case")
)]
pub enum DiaryError {
    #[error(transparent)]
    #[strum_discriminants(strum(disabled))]
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
    #[strum_discriminants(strum(serialize = "diary-title-too-long"))]
    TitleTooLong { max: usize },
    #[error(
        "an appointment title is one line without control, bidirectional or invisible characters"
    )]
    #[strum_discriminants(strum(serialize = "diary-title-has-hidden-characters"))]
    TitleHasHiddenCharacters,
    #[error("it is less than 24 hours to the appointment: please contact the business")]
    CancellationWindowClosed,
    #[error("the appointment has already taken place")]
    AlreadyCompleted(AppointmentId),
    #[error("the cancellation window of {0} is still open")]
    WindowStillOpen(AppointmentId),
    #[error("appointment {0} has not ended yet")]
    NotEnded(AppointmentId),
}

impl Rule for DiaryRule {
    fn kind(self) -> RefusalKind {
        use DiaryRule::*;
        match self {
            Access => RefusalKind::Forbidden,
            UnknownAppointment => RefusalKind::NotFound,
            SlotTaken | AppointmentExists | AlreadyCompleted => RefusalKind::Conflict,
            NotBookable
            | EmptyRange
            | TitleTooLong
            | TitleHasHiddenCharacters
            | CancellationWindowClosed
            | WindowStillOpen
            | NotEnded => RefusalKind::Unprocessable,
        }
    }
}

impl Refusal for DiaryError {
    type Rule = DiaryRule;

    fn rule(&self) -> DiaryRule {
        self.into()
    }

    fn code(&self) -> &'static str {
        match self {
            DiaryError::Access(e) => e.code(),
            other => other.rule().into(),
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
