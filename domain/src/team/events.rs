//! What happens to a team: creation, settings, staff (docs/product.md §3.3, §8.1, §11).

use crate::ids::{FileId, StaffId, TeamId};
use crate::schedule::Schedule;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// A member of a team's staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub staff: StaffId,
    pub name: String,
    /// Trimmed, lower-case.
    pub email: String,
}

/// How the portal looks to the team's clients.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branding {
    /// `#rrggbb`, lower-case.
    pub accent_colour: Option<String>,
    /// The current logo's [`TeamLogo::file`]; set only by the logo commands.
    pub logo: Option<FileId>,
    pub tagline: Option<String>,
}

/// An email's subject and body, with `{{placeholder}}`s (see [`super::template`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailTemplate {
    pub subject: String,
    pub body: String,
}

/// A business signed up; its owner is the first staff member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamCreated {
    pub team: TeamId,
    pub business_name: String,
    pub owner: StaffMember,
    /// The default schedule in the team's time zone.
    pub schedule: Schedule,
    pub invite_email: EmailTemplate,
    pub at: Timestamp,
}

/// Staff saved the team settings; the payload holds all of them as they now stand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamSettingsChanged {
    pub business_name: String,
    pub branding: Branding,
    pub schedule: Schedule,
    pub invite_email: EmailTemplate,
    pub by: StaffId,
    pub at: Timestamp,
}

/// The team's logo as stored: the bytes the API kept and what they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamLogo {
    /// Names this logo; the portal's logo URL carries it, so a new logo is a new URL.
    pub file: FileId,
    /// The MIME type sniffed from the bytes: one of [`super::LOGO_CONTENT_TYPES`].
    pub content_type: String,
    /// Bytes, at most [`super::MAX_LOGO_BYTES`].
    pub size: u64,
    /// SHA-256 of the bytes, 64 lower-case hex digits.
    pub sha256: String,
    /// Where the API keeps the bytes.
    pub storage_key: String,
}

/// Staff uploaded a new logo for the portal; it replaces any previous one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamLogoChanged {
    pub logo: TeamLogo,
    pub by: StaffId,
    pub at: Timestamp,
}

/// Staff removed the portal's logo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamLogoRemoved {
    pub by: StaffId,
    pub at: Timestamp,
}

/// Staff set the business's contact address: where clients' replies to
/// its emails go (Reply-To) and the organiser of its calendar entries.
/// Until the first one, the owner's email is the contact address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamContactEmailChanged {
    /// Trimmed, lower-case.
    pub contact_email: String,
    pub by: StaffId,
    pub at: Timestamp,
}

/// A staff member joined the team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamStaffAdded {
    pub member: StaffMember,
    pub by: StaffId,
    pub at: Timestamp,
}

crate::event_enum! {
    /// Events of a team stream (category `team`).
    pub enum TeamEvent {
        Created(TeamCreated) = "TeamCreated" v 1,
        SettingsChanged(TeamSettingsChanged) = "TeamSettingsChanged" v 1,
        StaffAdded(TeamStaffAdded) = "TeamStaffAdded" v 1,
        LogoChanged(TeamLogoChanged) = "TeamLogoChanged" v 1,
        LogoRemoved(TeamLogoRemoved) = "TeamLogoRemoved" v 1,
        ContactEmailChanged(TeamContactEmailChanged) = "TeamContactEmailChanged" v 1,
    }
}
