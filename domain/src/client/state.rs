//! A client record as its events leave it, its portal status and access.

use super::commands::ClientCommand;
use super::errors::ClientError;
use super::events::*;
use crate::access::{ClientPortal, Sections};
use crate::aggregate::Aggregate;
use crate::ids::{ClientId, StaffId, TeamId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// The state of one client stream. Only `evolve` changes it. Serde data, so
/// a read model can keep it whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Client {
    /// False until the client is created.
    pub exists: bool,
    pub id: ClientId,
    pub team: TeamId,
    pub name: String,
    pub emails: Vec<String>,
    /// The latest invite, if any.
    pub invite: Option<Invite>,
    /// The client has set a password.
    pub activated: bool,
    /// The master switch; off suspends every access.
    pub enabled: bool,
    pub sections: Sections,
    /// The client lets the business email them when something new waits in
    /// their portal (on until they turn it off).
    pub email_notifications: bool,
}

/// Who invited the client, at which address, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invite {
    pub email: String,
    pub by: StaffId,
    pub at: Timestamp,
}

impl Default for Client {
    fn default() -> Self {
        Self {
            exists: false,
            id: ClientId::default(),
            team: TeamId::default(),
            name: String::new(),
            emails: Vec::new(),
            invite: None,
            activated: false,
            enabled: true,
            sections: Sections::default(),
            email_notifications: true,
        }
    }
}

/// The portal badge (API values `not_invited`, `invited`, `active`, `suspended`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalStatus {
    NotInvited,
    Invited,
    Active,
    Suspended,
}

impl PortalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotInvited => "not_invited",
            Self::Invited => "invited",
            Self::Active => "active",
            Self::Suspended => "suspended",
        }
    }
}

impl Client {
    /// Suspended whenever the master switch is off; otherwise active once a
    /// password is set, invited once invited.
    pub fn portal_status(&self) -> PortalStatus {
        if !self.enabled {
            PortalStatus::Suspended
        } else if self.activated {
            PortalStatus::Active
        } else if self.invite.is_some() {
            PortalStatus::Invited
        } else {
            PortalStatus::NotInvited
        }
    }

    /// What the client's portal permits, to pass in the commands they send;
    /// `None` for a client never invited.
    pub fn portal(&self) -> Option<ClientPortal> {
        self.invite.as_ref().map(|_| ClientPortal {
            client: self.id,
            enabled: self.enabled,
            sections: self.sections,
        })
    }
}

impl Aggregate for Client {
    const CATEGORY: &'static str = "client";
    type Command = ClientCommand;
    type Event = ClientEvent;
    type Error = ClientError;

    fn decide(
        &self,
        command: ClientCommand,
        now: Timestamp,
    ) -> Result<Vec<ClientEvent>, ClientError> {
        super::decide::decide(self, command, now)
    }

    fn evolve(mut self, event: &ClientEvent) -> Self {
        match event {
            ClientEvent::Created(e) => {
                self.exists = true;
                self.id = e.client;
                self.team = e.team;
                self.name = e.name.clone();
                self.emails = e.emails.clone();
            }
            ClientEvent::EmailAdded(e) => self.emails.push(e.email.clone()),
            ClientEvent::PortalInvited(e) => {
                self.sections = e.sections;
                self.invite = Some(Invite {
                    email: e.email.clone(),
                    by: e.by,
                    at: e.at,
                });
            }
            ClientEvent::PortalActivated(_) => self.activated = true,
            ClientEvent::AccessChanged(e) => {
                self.enabled = e.enabled;
                self.sections = e.sections;
            }
            ClientEvent::EmailNotificationsChanged(e) => self.email_notifications = e.on,
        }
        self
    }
}
