//! The rules a team command can break.

use crate::aggregate::refusal_enum;
use crate::ids::{FileId, StaffId};
use crate::schedule::ScheduleError;

refusal_enum! {
    pub enum TeamError: TeamRule, wrapping Schedule(ScheduleError) => Unprocessable {
        /// The team does not exist, or the caller is not one of its staff.
        #[error("no such team")]
        TeamNotFound => NotFound,
        #[error("this team already exists")]
        TeamAlreadyExists => Conflict,
        #[error("a business needs a name")]
        BusinessNameMissing => Unprocessable,
        #[error("a staff member needs a name")]
        StaffNameMissing => Unprocessable,
        #[error("{0:?} is too long")]
        TooLong(&'static str) => Unprocessable,
        #[error(
            "{0:?} may not hold control, bidirectional or invisible characters (nor a line break, but in the invite email's body)"
        )]
        #[strum_discriminants(strum(serialize = "team-hidden-characters"))]
        HiddenCharacters(&'static str) => Unprocessable,
        #[error("{0:?} is not an email address")]
        InvalidEmail(String) => Unprocessable,
        #[error("{0:?} is not a colour like #1a2b3c")]
        InvalidColour(String) => Unprocessable,
        #[error("the template has an unknown placeholder {{{{{0}}}}}")]
        UnknownPlaceholder(String) => Unprocessable,
        #[error("the template has a {{{{ without a matching }}}}")]
        UnclosedPlaceholder => Unprocessable,
        #[error("the invite email needs a subject")]
        SubjectMissing => Unprocessable,
        #[error("the subject must be a single line")]
        SubjectNotOneLine => Unprocessable,
        #[error("the invite email body must contain {{{{portal_link}}}}")]
        PortalLinkMissing => Unprocessable,
        #[error("staff member {0} is already on the team")]
        StaffAlreadyAdded(StaffId) => Conflict,
        #[error("a staff member with this email is already on the team")]
        StaffEmailTaken => Conflict,
        #[error("{0} is not the team's current logo (a logo is set by uploading it)")]
        NotTheLogo(FileId) => Unprocessable,
        #[error("a logo must be a PNG, JPEG, WebP or GIF image, not {0}")]
        LogoTypeNotAllowed(String) => Unprocessable,
        #[error("the logo is {size} bytes, over the limit of {limit}")]
        LogoTooLarge { size: u64, limit: u64 } => Unprocessable,
        #[error("the logo is empty")]
        LogoEmpty => Unprocessable,
        #[error("the logo's digest or storage key is malformed")]
        LogoBadDigest => Unprocessable,
    }
}
