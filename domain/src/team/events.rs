//! What happens to a team: creation, settings, staff (PRODUCT §3.3, §8.1, §11).

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
    }
}
