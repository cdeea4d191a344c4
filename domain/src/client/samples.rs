//! One value of every client event, for golden fixtures and docs.

use super::events::*;
use crate::access::Sections;
use crate::testing::fixtures::{after, client, staff, team};

pub fn events() -> Vec<ClientEvent> {
    let staff = staff();
    let sections = Sections {
        quotes: true,
        invoices: true,
        files: false,
        meetings: true,
        messages: false,
    };
    vec![
        ClientEvent::Created(ClientCreated {
            client: client(),
            team: team(),
            name: "Ada Client".to_owned(),
            emails: vec!["ada@example.com".to_owned()],
            by: staff,
            at: after(0),
        }),
        ClientEvent::EmailAdded(ClientEmailAdded {
            email: "ada.work@example.org".to_owned(),
            by: staff,
            at: after(1),
        }),
        ClientEvent::PortalInvited(ClientPortalInvited {
            email: "ada@example.com".to_owned(),
            sections,
            by: staff,
            at: after(2),
        }),
        ClientEvent::PortalActivated(ClientPortalActivated { at: after(3) }),
        ClientEvent::AccessChanged(ClientAccessChanged {
            enabled: false,
            sections,
            by: staff,
            at: after(4),
        }),
        ClientEvent::EmailNotificationsChanged(ClientEmailNotificationsChanged {
            on: false,
            by: client(),
            at: after(5),
        }),
    ]
}
