//! The rules a client command can break.

use crate::aggregate::{Refusal, RefusalKind};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("no such client")]
    ClientNotFound,
    #[error("this client already exists")]
    ClientAlreadyExists,
    #[error("a client needs a name")]
    NameMissing,
    #[error("the name is longer than {max} characters", max = super::email::MAX_NAME)]
    NameTooLong,
    #[error("a name is one line without control, bidirectional or invisible characters")]
    NameHasHiddenCharacters,
    #[error("{0:?} is not an email address")]
    InvalidEmail(String),
    #[error("a client has at most {max} saved emails", max = super::email::MAX_EMAILS)]
    TooManyEmails,
    #[error("the client has no saved email address to invite")]
    NoSavedEmail,
    #[error("{0:?} is not one of the client's saved email addresses")]
    EmailNotSaved(String),
    #[error("the client has not been invited to the portal")]
    NotInvited,
    #[error("the client portal is suspended")]
    PortalSuspended,
}

impl Refusal for ClientError {
    fn kind(&self) -> RefusalKind {
        use ClientError::*;
        match self {
            ClientNotFound => RefusalKind::NotFound,
            ClientAlreadyExists | NotInvited => RefusalKind::Conflict,
            PortalSuspended => RefusalKind::Forbidden,
            NameMissing
            | NameTooLong
            | NameHasHiddenCharacters
            | InvalidEmail(_)
            | TooManyEmails
            | NoSavedEmail
            | EmailNotSaved(_) => RefusalKind::Unprocessable,
        }
    }
}
