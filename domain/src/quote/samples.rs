//! One value of every quote event, for golden fixtures and docs.

use super::events::*;
use super::signature::tiny_png;
use crate::access::Author;
use crate::ids::{ClientId, CommentId, LineId, QuoteId, SessionId, StaffId, TeamId};
use crate::money::Totals;
use crate::sha256::sha256_hex;
use crate::testing::fixtures::{after, gbp};
use jiff::civil::date;
use rust_decimal::Decimal;
use uuid::Uuid;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// Two lines: a required boiler and an optional filter.
pub fn lines() -> Vec<QuoteLine> {
    vec![
        QuoteLine {
            id: LineId(id(0x11)),
            description: "Combi boiler, fitted".to_owned(),
            quantity: Decimal::new(1, 0),
            unit_price: Decimal::new(120_000, 2),
            tax_rate: Decimal::new(20, 0),
            optional: false,
            selected: true,
        },
        QuoteLine {
            id: LineId(id(0x12)),
            description: "Magnetic filter".to_owned(),
            quantity: Decimal::new(25, 1),
            unit_price: Decimal::new(9_550, 2),
            tax_rate: Decimal::new(5, 0),
            optional: true,
            selected: false,
        },
    ]
}

pub fn events() -> Vec<QuoteEvent> {
    let staff = StaffId(id(0x2));
    let client = ClientId(id(0x3));
    let png = tiny_png(2, 1);
    vec![
        QuoteEvent::Drafted(QuoteDrafted {
            quote: QuoteId(id(0x4)),
            team: TeamId(id(0x1)),
            client,
            title: "New boiler".to_owned(),
            currency: gbp(),
            expires_on: Some(date(2027, 3, 31)),
            lines: lines(),
            by: staff,
            at: after(0),
        }),
        QuoteEvent::Edited(QuoteEdited {
            revision: 2,
            title: "New boiler and filter".to_owned(),
            expires_on: None,
            lines: lines(),
            by: staff,
            at: after(1),
        }),
        QuoteEvent::Sent(QuoteSent {
            by: staff,
            at: after(2),
        }),
        QuoteEvent::Withdrawn(QuoteWithdrawn {
            by: staff,
            at: after(3),
        }),
        QuoteEvent::Expired(QuoteExpired {
            expires_on: date(2027, 3, 31),
            at: after(4),
        }),
        QuoteEvent::LineToggled(QuoteLineToggled {
            line: LineId(id(0x12)),
            selected: true,
            by: client,
            at: after(5),
        }),
        QuoteEvent::LineCommented(QuoteLineCommented {
            comment: CommentId(id(0x5)),
            line: LineId(id(0x12)),
            text: "Is the filter needed?".to_owned(),
            by: Author::Client(client),
            at: after(6),
        }),
        QuoteEvent::Accepted(QuoteAccepted {
            by: client,
            name: "Ada Client".to_owned(),
            signature_sha256: sha256_hex(&png),
            signature_png: png,
            ip: "203.0.113.7".to_owned(),
            user_agent: "Mozilla/5.0".to_owned(),
            session: SessionId(id(0x6)),
            revision: 2,
            currency: gbp(),
            selected_lines: vec![LineId(id(0x11)), LineId(id(0x12))],
            totals: Totals {
                subtotal: Decimal::new(143_875, 2),
                tax: Decimal::new(25_194, 2),
                total: Decimal::new(169_069, 2),
            },
            content_sha256: "0".repeat(64),
            at: after(7),
            login_email: Some("ada@example.com".to_owned()),
            login_invite: Some(id(0x7)),
        }),
    ]
}
