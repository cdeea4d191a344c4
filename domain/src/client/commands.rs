//! What staff (and the login flow) ask of a client record.
//!
//! `team` is the acting staff member's team: another team's client answers
//! `ClientNotFound`.

use crate::access::Sections;
use crate::ids::{ClientId, StaffId, TeamId};

#[derive(Debug, Clone, PartialEq)]
pub enum ClientCommand {
    Create {
        client: ClientId,
        team: TeamId,
        by: StaffId,
        name: String,
        emails: Vec<String>,
    },
    AddEmail {
        team: TeamId,
        by: StaffId,
        email: String,
    },
    /// Invite (or re-invite) to the portal at a saved address, with these sections.
    Invite {
        team: TeamId,
        by: StaffId,
        email: String,
        sections: Sections,
    },
    /// Sent by the login flow once the client has set a password from an invite.
    Activate,
    /// "Save access": change the master switch and/or the sections, no email.
    ChangeAccess {
        team: TeamId,
        by: StaffId,
        enabled: Option<bool>,
        sections: Option<Sections>,
    },
    /// The client, in their portal, turns the portal-update emails on or off.
    ChangeEmailNotifications { client: ClientId, on: bool },
}
