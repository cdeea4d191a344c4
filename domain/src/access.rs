//! What a client's portal lets them see and do (docs/product.md §3.5, §3.6).
//!
//! The application service loads these facts from the client's stream and
//! passes them inside every command a client sends, so each stream's
//! `decide` can enforce them without reading another stream.

use crate::aggregate::refusal_enum;
use crate::ids::{ClientId, StaffId};
use serde::{Deserialize, Serialize};

/// A portal section, each switched on or off per client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Section {
    Quotes,
    Invoices,
    Files,
    Meetings,
    Messages,
}

/// The per-client section toggles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sections {
    pub quotes: bool,
    pub invoices: bool,
    pub files: bool,
    pub meetings: bool,
    pub messages: bool,
}

impl Sections {
    pub const ALL: Sections = Sections {
        quotes: true,
        invoices: true,
        files: true,
        meetings: true,
        messages: true,
    };

    pub fn allows(&self, section: Section) -> bool {
        match section {
            Section::Quotes => self.quotes,
            Section::Invoices => self.invoices,
            Section::Files => self.files,
            Section::Meetings => self.meetings,
            Section::Messages => self.messages,
        }
    }
}

/// A logged-in client and what their portal currently permits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientPortal {
    pub client: ClientId,
    pub enabled: bool,
    pub sections: Sections,
}

impl ClientPortal {
    /// Refuses unless the portal is enabled and `section` is on.
    pub fn require(&self, section: Section) -> Result<(), AccessDenied> {
        if !self.enabled {
            return Err(AccessDenied::PortalSuspended);
        }
        if !self.sections.allows(section) {
            return Err(AccessDenied::SectionOff(section));
        }
        Ok(())
    }
}

/// Who issues a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Staff(StaffId),
    Client(ClientPortal),
}

impl By {
    /// The author to record in an event.
    pub fn author(&self) -> Author {
        match self {
            By::Staff(s) => Author::Staff(*s),
            By::Client(c) => Author::Client(c.client),
        }
    }

    /// Staff pass; a client passes only with `section` on and the portal enabled.
    pub fn require(&self, section: Section) -> Result<(), AccessDenied> {
        match self {
            By::Staff(_) => Ok(()),
            By::Client(c) => c.require(section),
        }
    }
}

/// Who did something, as recorded in events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Author {
    Staff(StaffId),
    Client(ClientId),
}

refusal_enum! {
    #[derive(Copy)]
    pub enum AccessDenied: AccessRule {
        #[error("the client portal is suspended")]
        PortalSuspended => Forbidden,
        #[error("the {0:?} section is off for this client")]
        SectionOff(Section) => Forbidden,
    }
}
