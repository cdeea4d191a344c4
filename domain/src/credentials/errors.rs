//! The rules a credentials command can break.

use crate::aggregate::refusal_enum;

refusal_enum! {
    pub enum CredentialsError: CredentialsRule {
        /// Unknown, used, expired or for another purpose: one answer for all.
        #[error("this link is invalid or has expired")]
        InvalidToken => BadRequest,
        #[error("no such login")]
        NoLogin => NotFound,
        #[error("this login already exists")]
        AlreadyRegistered => Conflict,
        #[error("this login belongs to someone else")]
        OtherPrincipal => Conflict,
        #[error("a token hash must be 64 lower-case hex digits")]
        MalformedTokenHash => Unprocessable,
        #[error("a password hash must be a PHC string")]
        MalformedPasswordHash => Unprocessable,
        #[error("a link must expire after it is issued")]
        ExpiryNotAfterIssue => Unprocessable,
    }
}
