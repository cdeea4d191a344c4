//! Quote rules, one test per rule and direction.

mod accept;
mod client;
mod content;
mod lifecycle;
mod text;

use super::samples;
use super::*;
use crate::access::{By, ClientPortal, Sections};
use crate::aggregate::Aggregate;
use crate::ids::{ClientId, CommentId, LineId, QuoteId, SessionId, TeamId};
use crate::testing::fixtures::{at, client, d, gbp, now, staff, team};
use crate::testing::{fixtures, given};
use jiff::civil::date;
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use uuid::Uuid;

fn boiler() -> LineId {
    LineId(Uuid::from_u128(0x11))
}
fn filter() -> LineId {
    LineId(Uuid::from_u128(0x12))
}
fn london() -> TimeZone {
    TimeZone::get("Europe/London").expect("the bundled time zones hold Europe/London")
}

fn portal() -> ClientPortal {
    fixtures::portal(client())
}

fn line(id: u128, description: &str, qty: &str, price: &str, rate: &str) -> QuoteLine {
    QuoteLine {
        id: LineId(Uuid::from_u128(id)),
        description: description.to_owned(),
        quantity: d(qty),
        unit_price: d(price),
        tax_rate: d(rate),
        optional: false,
        selected: true,
    }
}

fn optional(mut l: QuoteLine, selected: bool) -> QuoteLine {
    l.optional = true;
    l.selected = selected;
    l
}

fn draft_cmd(lines: Vec<QuoteLine>) -> QuoteCommand {
    QuoteCommand::Draft {
        quote: QuoteId(Uuid::from_u128(0x4)),
        team: team(),
        client: client(),
        by: staff(),
        title: "New boiler".to_owned(),
        currency: gbp(),
        expires_on: Some(date(2027, 3, 31)),
        lines,
    }
}

/// [`draft_cmd`] with the sample lines and this title.
fn titled(raw: &str) -> QuoteCommand {
    let mut cmd = draft_cmd(samples::lines());
    if let QuoteCommand::Draft { title, .. } = &mut cmd {
        *title = raw.to_owned();
    }
    cmd
}

/// Drafted with the sample lines: required boiler 1 × 1200.00 @ 20 %,
/// optional filter 2.5 × 95.50 @ 5 % (unselected by default); expires 2027-03-31.
fn drafted() -> QuoteEvent {
    drafted_with(samples::lines())
}

fn drafted_with(lines: Vec<QuoteLine>) -> QuoteEvent {
    QuoteEvent::Drafted(QuoteDrafted {
        quote: QuoteId(Uuid::from_u128(0x4)),
        team: team(),
        client: client(),
        title: "New boiler".to_owned(),
        currency: gbp(),
        expires_on: Some(date(2027, 3, 31)),
        lines,
        by: staff(),
        at: now(),
    })
}

fn sent() -> QuoteEvent {
    QuoteEvent::Sent(QuoteSent {
        by: staff(),
        at: now(),
    })
}

fn withdrawn() -> QuoteEvent {
    QuoteEvent::Withdrawn(QuoteWithdrawn {
        by: staff(),
        at: now(),
    })
}

fn expired() -> QuoteEvent {
    QuoteEvent::Expired(QuoteExpired {
        expires_on: date(2027, 3, 31),
        at: now(),
    })
}

fn toggled(line: LineId, selected: bool) -> QuoteEvent {
    QuoteEvent::LineToggled(QuoteLineToggled {
        line,
        selected,
        by: client(),
        at: now(),
    })
}

fn toggle(line: LineId, selected: bool) -> QuoteCommand {
    toggle_by(portal(), line, selected)
}

fn toggle_by(by: ClientPortal, line: LineId, selected: bool) -> QuoteCommand {
    QuoteCommand::ToggleLine {
        team: team(),
        by,
        line,
        selected,
        time_zone: london(),
    }
}

fn comment(by: By, n: u128, line: LineId, text: &str) -> QuoteCommand {
    QuoteCommand::Comment {
        team: team(),
        by,
        comment: CommentId(Uuid::from_u128(n)),
        line,
        text: text.to_owned(),
    }
}

fn acceptance() -> Acceptance {
    Acceptance {
        team: team(),
        by: portal(),
        session: SessionId(Uuid::from_u128(0x6)),
        name: "  Ada Client ".to_owned(),
        signature_png: signature::tiny_png(120, 40),
        ip: "203.0.113.7"
            .parse()
            .unwrap_or(std::net::Ipv4Addr::LOCALHOST.into()),
        user_agent: "Mozilla/5.0".to_owned(),
        revision: None,
        time_zone: london(),
        login_email: Some("ada@example.com".to_owned()),
        login_invite: Some(Uuid::from_u128(0x7)),
    }
}

fn accept(a: Acceptance) -> QuoteCommand {
    QuoteCommand::Accept(Box::new(a))
}

/// The acceptance event the default acceptance records on `history`.
fn accepted_on(history: Vec<QuoteEvent>) -> QuoteEvent {
    match given::<Quote>(history)
        .at(now())
        .when(accept(acceptance()))
        .outcome()
    {
        Ok(mut events) if events.len() == 1 => events.remove(0),
        other => panic!("acceptance failed: {other:?}"),
    }
}

fn edit_lines(lines: Vec<QuoteLine>) -> QuoteCommand {
    QuoteCommand::Edit {
        team: team(),
        by: staff(),
        title: None,
        expires_on: None,
        lines: Some(lines),
    }
}

fn edited(revision: u32, lines: Vec<QuoteLine>) -> QuoteEvent {
    QuoteEvent::Edited(QuoteEdited {
        revision,
        title: "New boiler".to_owned(),
        expires_on: Some(date(2027, 3, 31)),
        lines,
        by: staff(),
        at: now(),
    })
}
