//! What staff ask of their team. `by` must be a staff member of this team.

use super::events::{Branding, EmailTemplate, StaffMember};
use crate::ids::{FileId, StaffId, TeamId};
use crate::schedule::Schedule;

#[derive(Debug, Clone, PartialEq)]
pub enum TeamCommand {
    /// Signup: the business and its owner; `time_zone` is an IANA name.
    Create {
        team: TeamId,
        business_name: String,
        owner: StaffMember,
        time_zone: String,
    },
    /// Any subset of the settings (`None` keeps the field). The branding's
    /// `logo` is not changed here: if given it must be the current logo's id.
    ChangeSettings {
        by: StaffId,
        business_name: Option<String>,
        branding: Option<Branding>,
        schedule: Option<Box<Schedule>>,
        invite_email: Option<EmailTemplate>,
        /// Where clients' email replies go (a real address); the owner's
        /// email until first set.
        contact_email: Option<String>,
    },
    AddStaff {
        by: StaffId,
        member: StaffMember,
    },
    /// A new portal logo, after the API stored its bytes: the facts it
    /// found (sniffed type, size, digest) and where it keeps them.
    ChangeLogo {
        by: StaffId,
        file: FileId,
        content_type: String,
        size: u64,
        sha256: String,
        storage_key: String,
    },
    RemoveLogo {
        by: StaffId,
    },
}
