//! A quote as its events leave it, and the reads derived from it.

use super::commands::QuoteCommand;
use super::content::{AcceptedContent, amounts};
use super::errors::QuoteError;
use super::events::*;
use super::rules::{expiry_deadline, is_past_expiry};
use crate::aggregate::Aggregate;
use crate::ids::{ClientId, CommentId, LineId, QuoteId, TeamId};
use crate::money::{Currency, LineAmounts, Totals};
use crate::time::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The state of one quote stream. Only `evolve` changes it. Serde data, so
/// a read model can keep it whole.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// False until the quote is drafted.
    pub exists: bool,
    pub id: QuoteId,
    pub team: TeamId,
    pub client: ClientId,
    pub title: String,
    pub currency: Currency,
    pub expires_on: Option<Date>,
    /// Lines in order; `selected` on a line is its default.
    pub lines: Vec<QuoteLine>,
    /// The lines currently selected.
    pub selection: BTreeSet<LineId>,
    /// Starts at 1, one more per edit of a sent quote.
    pub revision: u32,
    pub sent: bool,
    pub withdrawn: bool,
    pub expired: bool,
    pub comments: Vec<QuoteLineCommented>,
    pub acceptance: Option<QuoteAccepted>,
}

/// Where a quote stands (API values `draft`, `sent`, `accepted`, `expired`, `withdrawn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteStatus {
    Draft,
    Sent,
    Accepted,
    Expired,
    Withdrawn,
}

impl QuoteStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Sent => "sent",
            Self::Accepted => "accepted",
            Self::Expired => "expired",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// The status named by [`QuoteStatus::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Draft,
            Self::Sent,
            Self::Accepted,
            Self::Expired,
            Self::Withdrawn,
        ]
        .into_iter()
        .find(|status| status.as_str() == name)
    }

    /// The status at `now` of a quote recorded with this status and expiry
    /// day: a draft or sent quote whose expiry day has ended in `time_zone`
    /// is expired, even if the worker has not recorded it yet.
    pub fn at(self, expires_on: Option<Date>, now: Timestamp, time_zone: &TimeZone) -> Self {
        match self {
            Self::Sent | Self::Draft if is_past_expiry(expires_on, now, time_zone) => Self::Expired,
            status => status,
        }
    }
}

impl Quote {
    /// The recorded status: acceptance first, then withdrawal, expiry, sending.
    pub fn status(&self) -> QuoteStatus {
        if self.acceptance.is_some() {
            QuoteStatus::Accepted
        } else if self.withdrawn {
            QuoteStatus::Withdrawn
        } else if self.expired {
            QuoteStatus::Expired
        } else if self.sent {
            QuoteStatus::Sent
        } else {
            QuoteStatus::Draft
        }
    }

    /// The status at `now`, counting an expiry day that has ended even if
    /// the worker has not recorded it yet.
    pub fn status_at(&self, now: Timestamp, time_zone: &TimeZone) -> QuoteStatus {
        self.status().at(self.expires_on, now, time_zone)
    }

    /// Whether the expiry day (in `time_zone`) has ended at `now`.
    pub fn is_past_expiry(&self, now: Timestamp, time_zone: &TimeZone) -> bool {
        is_past_expiry(self.expires_on, now, time_zone)
    }

    /// The first instant after the expiry day in `time_zone`, if it has one.
    pub fn expires_from(&self, time_zone: &TimeZone) -> Option<Timestamp> {
        self.expires_on
            .and_then(|day| expiry_deadline(day, time_zone))
    }

    pub fn line(&self, id: LineId) -> Result<&QuoteLine, QuoteError> {
        self.lines
            .iter()
            .find(|l| l.id == id)
            .ok_or(QuoteError::UnknownLine(id))
    }

    pub fn is_selected(&self, id: LineId) -> bool {
        self.selection.contains(&id)
    }

    /// The rounded net, tax and total of one line.
    pub fn line_amounts(&self, line: &QuoteLine) -> LineAmounts {
        amounts(self.currency, line)
    }

    /// Subtotal, tax and total of the current selection.
    pub fn totals(&self) -> Totals {
        self.content().totals()
    }

    /// The selected line ids, in quote order.
    pub fn selected_lines(&self) -> Vec<LineId> {
        self.lines
            .iter()
            .map(|l| l.id)
            .filter(|id| self.selection.contains(id))
            .collect()
    }

    /// The comments on one line, oldest first.
    pub fn comments_on(&self, line: LineId) -> impl Iterator<Item = &QuoteLineCommented> {
        self.comments.iter().filter(move |c| c.line == line)
    }

    pub fn has_comment(&self, id: CommentId) -> bool {
        self.comments.iter().any(|c| c.comment == id)
    }

    /// What accepting now would accept: this revision with this selection.
    pub fn content(&self) -> AcceptedContent<'_> {
        AcceptedContent {
            quote: self.id,
            revision: self.revision,
            title: &self.title,
            currency: self.currency,
            lines: &self.lines,
            selected: &self.selection,
        }
    }

    fn set_lines(&mut self, lines: &[QuoteLine]) {
        self.lines = lines.to_vec();
        self.selection = lines.iter().filter(|l| l.selected).map(|l| l.id).collect();
    }
}

impl Aggregate for Quote {
    const CATEGORY: &'static str = "quote";
    type Command = QuoteCommand;
    type Event = QuoteEvent;
    type Error = QuoteError;

    fn decide(&self, command: QuoteCommand, now: Timestamp) -> Result<Vec<QuoteEvent>, QuoteError> {
        super::decide::decide(self, command, now)
    }

    fn evolve(mut self, event: &QuoteEvent) -> Self {
        match event {
            QuoteEvent::Drafted(e) => {
                self.exists = true;
                self.id = e.quote;
                self.team = e.team;
                self.client = e.client;
                self.title = e.title.clone();
                self.currency = e.currency;
                self.expires_on = e.expires_on;
                self.revision = 1;
                self.set_lines(&e.lines);
            }
            QuoteEvent::Edited(e) => {
                self.revision = e.revision;
                self.title = e.title.clone();
                self.expires_on = e.expires_on;
                self.expired = false;
                self.set_lines(&e.lines);
            }
            QuoteEvent::Sent(_) => self.sent = true,
            QuoteEvent::Withdrawn(_) => self.withdrawn = true,
            QuoteEvent::Expired(_) => self.expired = true,
            QuoteEvent::LineToggled(e) => {
                if e.selected {
                    self.selection.insert(e.line);
                } else {
                    self.selection.remove(&e.line);
                }
            }
            QuoteEvent::LineCommented(e) => self.comments.push(e.clone()),
            QuoteEvent::Accepted(e) => self.acceptance = Some(e.clone()),
        }
        self
    }
}
