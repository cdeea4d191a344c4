//! Invoice numbers (docs/product.md §5.1): one stream per team,
//! `invoicenumbers-{team id}`, that hands out the automatic numbers.
//!
//! An invoice issued without a typed number takes the team's next number
//! here first: 1, 2, 3, ... shown as `INV-0001`, `INV-0002`, ... Each
//! assignment is appended at the stream version its decision saw, so two
//! issues racing for the same number conflict in the store and the loser
//! decides again against the fresh stream: numbers never repeat, even
//! across API processes. A number whose invoice then fails to be issued
//! (the store fails between the two appends) is left unused: a gap, never
//! a duplicate.

use crate::aggregate::{Aggregate, refusal_enum};
use crate::event_enum;
use crate::ids::{InvoiceId, StaffId, TeamId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

#[cfg(any(test, feature = "samples"))]
pub mod samples;
#[cfg(test)]
mod tests;

/// How an automatic number reads: `INV-` and at least four digits.
pub fn format_number(number: u32) -> String {
    format!("INV-{number:04}")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoiceNumbersCommand {
    /// Give `invoice` the team's next number; nothing changes when the
    /// last number already went to `invoice` (the same request again).
    Assign {
        team: TeamId,
        invoice: InvoiceId,
        by: StaffId,
    },
}

/// A number handed to an invoice about to be issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceNumberAssigned {
    pub team: TeamId,
    pub invoice: InvoiceId,
    /// 1 for the team's first, one more each time.
    pub number: u32,
    pub by: StaffId,
    pub at: Timestamp,
}

event_enum! {
    /// Events of a team's invoice-number stream.
    pub enum InvoiceNumbersEvent {
        Assigned(InvoiceNumberAssigned) = "InvoiceNumberAssigned" v 1,
    }
}

refusal_enum! {
    pub enum InvoiceNumbersError: InvoiceNumbersRule {
        #[error("the team has used every invoice number")]
        Exhausted => Conflict,
        #[error("the numbers belong to another team")]
        OtherTeam => NotFound,
    }
}

/// The numbers a team has handed out so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvoiceNumbers {
    pub team: Option<TeamId>,
    /// The last number handed out (0: none yet).
    pub last: u32,
    /// The invoice that got `last`.
    pub last_invoice: Option<InvoiceId>,
}

impl InvoiceNumbers {
    /// The number `invoice` was given, when it was the last one handed out.
    pub fn number_of(&self, invoice: InvoiceId) -> Option<u32> {
        (self.last_invoice == Some(invoice)).then_some(self.last)
    }
}

impl Aggregate for InvoiceNumbers {
    const CATEGORY: &'static str = "invoicenumbers";
    type Command = InvoiceNumbersCommand;
    type Event = InvoiceNumbersEvent;
    type Error = InvoiceNumbersError;

    fn decide(
        &self,
        command: InvoiceNumbersCommand,
        now: Timestamp,
    ) -> Result<Vec<InvoiceNumbersEvent>, InvoiceNumbersError> {
        let InvoiceNumbersCommand::Assign { team, invoice, by } = command;
        if self.team.is_some_and(|t| t != team) {
            return Err(InvoiceNumbersError::OtherTeam);
        }
        if self.number_of(invoice).is_some() {
            return Ok(vec![]);
        }
        let number = self
            .last
            .checked_add(1)
            .ok_or(InvoiceNumbersError::Exhausted)?;
        Ok(vec![InvoiceNumbersEvent::Assigned(InvoiceNumberAssigned {
            team,
            invoice,
            number,
            by,
            at: now,
        })])
    }

    fn evolve(mut self, event: &InvoiceNumbersEvent) -> Self {
        match event {
            InvoiceNumbersEvent::Assigned(e) => {
                self.team = Some(e.team);
                self.last = e.number;
                self.last_invoice = Some(e.invoice);
            }
        }
        self
    }
}
