//! The rules a client command can break.

use crate::aggregate::{Refusal, RefusalKind, Rule};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(ClientRule),
    derive(strum::EnumIter, strum::IntoStaticStr),
    strum(serialize_all = "kebab-case")
)]
pub enum ClientError {
    #[error("no such client")]
    ClientNotFound,
    #[error("this client already exists")]
    ClientAlreadyExists,
    #[error("a client needs a name")]
    #[strum_discriminants(strum(serialize = "client-name-missing"))]
    NameMissing,
    #[error("the name is longer than {max} characters", max = super::email::MAX_NAME)]
    #[strum_discriminants(strum(serialize = "client-name-too-long"))]
    NameTooLong,
    #[error("a name is one line without control, bidirectional or invisible characters")]
    #[strum_discriminants(strum(serialize = "client-name-has-hidden-characters"))]
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

impl Rule for ClientRule {
    fn kind(self) -> RefusalKind {
        use ClientRule::*;
        match self {
            ClientNotFound => RefusalKind::NotFound,
            ClientAlreadyExists | NotInvited => RefusalKind::Conflict,
            PortalSuspended => RefusalKind::Forbidden,
            NameMissing
            | NameTooLong
            | NameHasHiddenCharacters
            | InvalidEmail
            | TooManyEmails
            | NoSavedEmail
            | EmailNotSaved => RefusalKind::Unprocessable,
        }
    }
}

impl Refusal for ClientError {
    type Rule = ClientRule;

    fn rule(&self) -> ClientRule {
        self.into()
    }
}
