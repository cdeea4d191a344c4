//! What happens to a client record and its portal access (docs/product.md §3).

use crate::access::Sections;
use crate::ids::{ClientId, StaffId, TeamId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Staff added a client to the team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientCreated {
    pub client: ClientId,
    pub team: TeamId,
    pub name: String,
    /// Normalised (trimmed, lower-case), without duplicates.
    pub emails: Vec<String>,
    pub by: StaffId,
    pub at: Timestamp,
}

/// Staff saved another email address for the client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientEmailAdded {
    pub email: String,
    pub by: StaffId,
    pub at: Timestamp,
}

/// Staff invited the client to the portal at one of their saved addresses.
/// The invite link itself lives in the client's credentials stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientPortalInvited {
    pub email: String,
    pub sections: Sections,
    pub by: StaffId,
    pub at: Timestamp,
}

/// The client set their password: the portal login is active.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientPortalActivated {
    pub at: Timestamp,
}

/// Staff saved the portal access: master switch and section toggles, as they now stand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientAccessChanged {
    pub enabled: bool,
    pub sections: Sections,
    pub by: StaffId,
    pub at: Timestamp,
}

/// The client turned the portal-update emails (something new waiting in
/// their portal) on or off. Other emails (invites, resets, bookings,
/// messages) are not affected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientEmailNotificationsChanged {
    pub on: bool,
    pub by: ClientId,
    pub at: Timestamp,
}

crate::event_enum! {
    /// Events of a client stream (category `client`).
    pub enum ClientEvent {
        Created(ClientCreated) = "ClientCreated" v 1,
        EmailAdded(ClientEmailAdded) = "ClientEmailAdded" v 1,
        PortalInvited(ClientPortalInvited) = "ClientPortalInvited" v 1,
        PortalActivated(ClientPortalActivated) = "ClientPortalActivated" v 1,
        AccessChanged(ClientAccessChanged) = "ClientAccessChanged" v 1,
        EmailNotificationsChanged(ClientEmailNotificationsChanged) = "ClientEmailNotificationsChanged" v 1,
    }
}
