//! What happens to a quote, as recorded in its stream.

use crate::access::Author;
use crate::ids::{ClientId, CommentId, LineId, QuoteId, SessionId, StaffId, TeamId};
use crate::money::{Currency, Totals};
use crate::time::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One line of a quote as staff wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteLine {
    pub id: LineId,
    pub description: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    /// Percent: `20` means 20 %.
    pub tax_rate: Decimal,
    /// The client may untick it.
    pub optional: bool,
    /// Selected by default (always true for a required line).
    pub selected: bool,
}

/// Staff drafted a quote for a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteDrafted {
    pub quote: QuoteId,
    pub team: TeamId,
    pub client: ClientId,
    pub title: String,
    pub currency: Currency,
    pub expires_on: Option<Date>,
    pub lines: Vec<QuoteLine>,
    pub by: StaffId,
    pub at: Timestamp,
}

/// Staff changed a quote; the payload holds its whole content afterwards.
/// Selections are back at the line defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteEdited {
    /// The same revision for a draft, one more for a quote already sent.
    pub revision: u32,
    pub title: String,
    pub expires_on: Option<Date>,
    pub lines: Vec<QuoteLine>,
    pub by: StaffId,
    pub at: Timestamp,
}

/// Staff made the quote visible in the client's portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteSent {
    pub by: StaffId,
    pub at: Timestamp,
}

/// Staff took the quote back; it can no longer be accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteWithdrawn {
    pub by: StaffId,
    pub at: Timestamp,
}

/// The expiry day ended (in the team's time zone) before acceptance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteExpired {
    pub expires_on: Date,
    pub at: Timestamp,
}

/// The client ticked or unticked an optional line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteLineToggled {
    pub line: LineId,
    pub selected: bool,
    pub by: ClientId,
    pub at: Timestamp,
}

/// A comment in a line's thread, by the client or by staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteLineCommented {
    pub comment: CommentId,
    pub line: LineId,
    pub text: String,
    pub by: Author,
    pub at: Timestamp,
}

/// The client accepted the quote: every piece of evidence in one event (docs/product.md §4.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteAccepted {
    pub by: ClientId,
    /// The name the client typed, trimmed.
    pub name: String,
    /// The signature drawn on screen, as PNG bytes.
    pub signature_png: Vec<u8>,
    pub signature_sha256: String,
    /// The client's IP address (socket address, or forwarded by a trusted proxy).
    pub ip: String,
    pub user_agent: String,
    /// The session the client was logged in with.
    pub session: SessionId,
    pub revision: u32,
    pub currency: Currency,
    /// Selected lines, in quote order.
    pub selected_lines: Vec<LineId>,
    pub totals: Totals,
    /// SHA-256 of the canonical encoding of what was accepted (docs/acceptance-hash.md).
    pub content_sha256: String,
    pub at: Timestamp,
    /// The login email the client was signed in with (`None` when not
    /// recorded: acceptances before version 2, sessions opened before
    /// sessions kept their address).
    pub login_email: Option<String>,
    /// The invite whose link created the credentials in use: the event id of
    /// its `CredentialsInviteIssued` (`None` when not recorded).
    pub login_invite: Option<Uuid>,
}

/// Version 1 of [`QuoteAccepted`], before the login evidence was recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteAcceptedV1 {
    pub by: ClientId,
    pub name: String,
    pub signature_png: Vec<u8>,
    pub signature_sha256: String,
    pub ip: String,
    pub user_agent: String,
    pub session: SessionId,
    pub revision: u32,
    pub currency: Currency,
    pub selected_lines: Vec<LineId>,
    pub totals: Totals,
    pub content_sha256: String,
    pub at: Timestamp,
}

impl From<QuoteAcceptedV1> for QuoteAccepted {
    fn from(old: QuoteAcceptedV1) -> Self {
        Self {
            by: old.by,
            name: old.name,
            signature_png: old.signature_png,
            signature_sha256: old.signature_sha256,
            ip: old.ip,
            user_agent: old.user_agent,
            session: old.session,
            revision: old.revision,
            currency: old.currency,
            selected_lines: old.selected_lines,
            totals: old.totals,
            content_sha256: old.content_sha256,
            at: old.at,
            login_email: None,
            login_invite: None,
        }
    }
}

crate::event_enum! {
    /// Events of a quote stream (category `quote`).
    pub enum QuoteEvent {
        Drafted(QuoteDrafted) = "QuoteDrafted" v 1,
        Edited(QuoteEdited) = "QuoteEdited" v 1,
        Sent(QuoteSent) = "QuoteSent" v 1,
        Withdrawn(QuoteWithdrawn) = "QuoteWithdrawn" v 1,
        Expired(QuoteExpired) = "QuoteExpired" v 1,
        LineToggled(QuoteLineToggled) = "QuoteLineToggled" v 1,
        LineCommented(QuoteLineCommented) = "QuoteLineCommented" v 1,
        Accepted(QuoteAccepted) = "QuoteAccepted" v 2 { 1 => QuoteAcceptedV1 },
    }
}
