//! One value of every client event, for golden fixtures and docs.

use super::events::*;
use crate::access::Sections;
use crate::ids::{ClientId, StaffId, TeamId};
use crate::testing::fixtures::after;
use uuid::Uuid;

pub fn events() -> Vec<ClientEvent> {
    let staff = StaffId(Uuid::from_u128(0x2));
    let sections = Sections {
        quotes: true,
        invoices: true,
        files: false,
        meetings: true,
        messages: false,
    };
    vec![
        ClientEvent::Created(ClientCreated {
            client: ClientId(Uuid::from_u128(0x3)),
            team: TeamId(Uuid::from_u128(0x1)),
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
            by: ClientId(Uuid::from_u128(0x3)),
            at: after(5),
        }),
    ]
}
