//! The rules a credentials command can break.

use crate::aggregate::{Refusal, RefusalKind, Rule};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(CredentialsRule),
    derive(strum::EnumIter, strum::IntoStaticStr),
    strum(serialize_all = "kebab-case")
)]
pub enum CredentialsError {
    /// Unknown, used, expired or for another purpose: one answer for all.
    #[error("this link is invalid or has expired")]
    InvalidToken,
    #[error("no such login")]
    NoLogin,
    #[error("this login already exists")]
    AlreadyRegistered,
    #[error("this login belongs to someone else")]
    OtherPrincipal,
    #[error("a token hash must be 64 lower-case hex digits")]
    MalformedTokenHash,
    #[error("a password hash must be a PHC string")]
    MalformedPasswordHash,
    #[error("a link must expire after it is issued")]
    ExpiryNotAfterIssue,
}

impl Rule for CredentialsRule {
    fn kind(self) -> RefusalKind {
        use CredentialsRule::*;
        match self {
            InvalidToken => RefusalKind::BadRequest,
            NoLogin => RefusalKind::NotFound,
            AlreadyRegistered | OtherPrincipal => RefusalKind::Conflict,
            MalformedTokenHash | MalformedPasswordHash | ExpiryNotAfterIssue => {
                RefusalKind::Unprocessable
            }
        }
    }
}

impl Refusal for CredentialsError {
    type Rule = CredentialsRule;

    fn rule(&self) -> CredentialsRule {
        self.into()
    }
}
