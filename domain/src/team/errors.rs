//! The rules a team command can break.

use crate::aggregate::{Refusal, RefusalKind, Rule};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(TeamRule),
    derive(strum::EnumIter, strum::IntoStaticStr),
    strum(serialize_all = "kebab-case")
)]
pub enum TeamError {
    /// The team does not exist, or the caller is not one of its staff.
    #[error("no such team")]
    TeamNotFound,
    #[error("this team already exists")]
    TeamAlreadyExists,
    #[error("a business needs a name")]
    BusinessNameMissing,
    #[error("a staff member needs a name")]
    StaffNameMissing,
    #[error("{0:?} is too long")]
    TooLong(&'static str),
    #[error(
        "{0:?} may not hold control, bidirectional or invisible characters (nor a line break, but in the invite email's body)"
    )]
    #[strum_discriminants(strum(serialize = "team-hidden-characters"))]
    HiddenCharacters(&'static str),
    #[error("{0:?} is not an email address")]
    InvalidEmail(String),
    #[error(transparent)]
    #[strum_discriminants(strum(disabled))]
    Schedule(#[from] crate::schedule::ScheduleError),
    #[error("{0:?} is not a colour like #1a2b3c")]
    InvalidColour(String),
    #[error("the template has an unknown placeholder {{{{{0}}}}}")]
    UnknownPlaceholder(String),
    #[error("the template has a {{{{ without a matching }}}}")]
    UnclosedPlaceholder,
    #[error("the invite email needs a subject")]
    SubjectMissing,
    #[error("the subject must be a single line")]
    SubjectNotOneLine,
    #[error("the invite email body must contain {{{{portal_link}}}}")]
    PortalLinkMissing,
    #[error("staff member {0} is already on the team")]
    StaffAlreadyAdded(crate::ids::StaffId),
    #[error("a staff member with this email is already on the team")]
    StaffEmailTaken,
    #[error("{0} is not the team's current logo (a logo is set by uploading it)")]
    NotTheLogo(crate::ids::FileId),
    #[error("a logo must be a PNG, JPEG, WebP or GIF image, not {0}")]
    LogoTypeNotAllowed(String),
    #[error("the logo is {size} bytes, over the limit of {limit}")]
    LogoTooLarge { size: u64, limit: u64 },
    #[error("the logo is empty")]
    LogoEmpty,
    #[error("the logo's digest or storage key is malformed")]
    LogoBadDigest,
}

impl Rule for TeamRule {
    fn kind(self) -> RefusalKind {
        use TeamRule::*;
        match self {
            TeamNotFound => RefusalKind::NotFound,
            TeamAlreadyExists | StaffAlreadyAdded | StaffEmailTaken => RefusalKind::Conflict,
            BusinessNameMissing | StaffNameMissing | TooLong | HiddenCharacters | InvalidEmail
            | Schedule | InvalidColour | UnknownPlaceholder | UnclosedPlaceholder
            | SubjectMissing | SubjectNotOneLine | PortalLinkMissing | NotTheLogo
            | LogoTypeNotAllowed | LogoTooLarge | LogoEmpty | LogoBadDigest => {
                RefusalKind::Unprocessable
            }
        }
    }
}

impl Refusal for TeamError {
    type Rule = TeamRule;

    fn rule(&self) -> TeamRule {
        self.into()
    }

    fn code(&self) -> &'static str {
        match self {
            TeamError::Schedule(e) => e.code(),
            other => other.rule().into(),
        }
    }
}
