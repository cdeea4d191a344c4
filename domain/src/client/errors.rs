//! The rules a client command can break.

use crate::aggregate::refusal_enum;

refusal_enum! {
    pub enum ClientError: ClientRule {
        #[error("no such client")]
        ClientNotFound => NotFound,
        #[error("this client already exists")]
        ClientAlreadyExists => Conflict,
        #[error("a client needs a name")]
        #[strum_discriminants(strum(serialize = "client-name-missing"))]
        NameMissing => Unprocessable,
        #[error("the name is longer than {max} characters", max = super::email::MAX_NAME)]
        #[strum_discriminants(strum(serialize = "client-name-too-long"))]
        NameTooLong => Unprocessable,
        #[error("a name is one line without control, bidirectional or invisible characters")]
        #[strum_discriminants(strum(serialize = "client-name-has-hidden-characters"))]
        NameHasHiddenCharacters => Unprocessable,
        #[error("{0:?} is not an email address")]
        InvalidEmail(String) => Unprocessable,
        #[error("a client has at most {max} saved emails", max = super::email::MAX_EMAILS)]
        TooManyEmails => Unprocessable,
        #[error("the client has no saved email address to invite")]
        NoSavedEmail => Unprocessable,
        #[error("{0:?} is not one of the client's saved email addresses")]
        EmailNotSaved(String) => Unprocessable,
        #[error("the client has not been invited to the portal")]
        NotInvited => Conflict,
        #[error("the client portal is suspended")]
        PortalSuspended => Forbidden,
    }
}
