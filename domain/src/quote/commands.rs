//! What staff, clients and the worker ask of a quote.
//!
//! `team` is the team of whoever sends the command (staff session, or the
//! client's own team); a quote of another team answers `QuoteNotFound`.
//! `time_zone` is the team's business time zone, which decides when an
//! expiry day ends.

use super::events::QuoteLine;
use crate::access::{By, ClientPortal};
use crate::ids::{ClientId, CommentId, LineId, QuoteId, SessionId, StaffId, TeamId};
use crate::money::Currency;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::net::IpAddr;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub enum QuoteCommand {
    /// Staff write a new quote (the client is known to belong to `team`).
    Draft {
        quote: QuoteId,
        team: TeamId,
        client: ClientId,
        by: StaffId,
        title: String,
        currency: Currency,
        expires_on: Option<Date>,
        lines: Vec<QuoteLine>,
    },
    /// Staff change any of title, expiry and lines (`None` keeps the field).
    /// Lines keep their id when kept; new lines come with fresh ids.
    Edit {
        team: TeamId,
        by: StaffId,
        title: Option<String>,
        expires_on: Option<Option<Date>>,
        lines: Option<Vec<QuoteLine>>,
    },
    Send {
        team: TeamId,
        by: StaffId,
    },
    Withdraw {
        team: TeamId,
        by: StaffId,
    },
    /// The worker closes a quote whose expiry day has ended.
    Expire {
        time_zone: TimeZone,
    },
    /// The client ticks or unticks an optional line.
    ToggleLine {
        team: TeamId,
        by: ClientPortal,
        line: LineId,
        selected: bool,
        time_zone: TimeZone,
    },
    /// A comment in a line's thread; `comment` is a fresh id (a retry with
    /// the same id records nothing).
    Comment {
        team: TeamId,
        by: By,
        comment: CommentId,
        line: LineId,
        text: String,
    },
    /// The client accepts the quote as it stands.
    Accept(Box<Acceptance>),
}

/// Everything the client and their request give when accepting.
#[derive(Debug, Clone)]
pub struct Acceptance {
    pub team: TeamId,
    pub by: ClientPortal,
    pub session: SessionId,
    /// The name the client typed.
    pub name: String,
    /// The decoded bytes of the drawn signature.
    pub signature_png: Vec<u8>,
    pub ip: IpAddr,
    pub user_agent: String,
    /// The revision the client was shown, when known: a newer one is refused.
    pub revision: Option<u32>,
    pub time_zone: TimeZone,
    /// The login email the session was opened with, when known.
    pub login_email: Option<String>,
    /// The event id of the invite whose link created the credentials in use.
    pub login_invite: Option<Uuid>,
}
