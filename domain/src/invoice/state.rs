//! An invoice as folded from its events, and its derived status.

use super::commands::InvoiceCommand;
use super::errors::InvoiceError;
use super::events::{InvoiceEvent, InvoiceIssued, PaymentRecorded};
use crate::aggregate::Aggregate;
use crate::quote::rules::expiry_deadline;
use crate::time::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;

/// Where an invoice stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InvoiceStatus {
    /// Nothing paid yet, not past the due date.
    Issued,
    /// Some paid, not past the due date.
    PartPaid,
    /// Nothing left to pay.
    Paid,
    /// Something left to pay and today is after the due date.
    Overdue,
}

impl InvoiceStatus {
    /// The status of an invoice of `total` with `paid` received, due on
    /// `due_on`, as seen on `today` (the team's local date).
    pub fn of(total: Decimal, paid: Decimal, due_on: Date, today: Date) -> Self {
        if paid >= total {
            InvoiceStatus::Paid
        } else if today > due_on {
            InvoiceStatus::Overdue
        } else if paid > Decimal::ZERO {
            InvoiceStatus::PartPaid
        } else {
            InvoiceStatus::Issued
        }
    }

    /// The API value: `issued`, `part_paid`, `paid`, `overdue`.
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Issued => "issued",
            InvoiceStatus::PartPaid => "part_paid",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Overdue => "overdue",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Invoice {
    /// The invoice as issued; `None` until then.
    pub issued: Option<InvoiceIssued>,
    /// Payments in the order recorded.
    pub payments: Vec<PaymentRecorded>,
    /// When the worker recorded it overdue (`InvoiceBecameOverdue`).
    pub overdue_at: Option<Timestamp>,
}

impl Invoice {
    /// The sum of payments, in the minor unit (`0.00` before any).
    pub fn amount_paid(&self) -> Decimal {
        let zero = self
            .issued
            .as_ref()
            .map_or(Decimal::ZERO, |i| i.currency.round(Decimal::ZERO));
        self.payments.iter().fold(zero, |sum, p| sum + p.amount)
    }

    /// What is still to pay: the total less payments (never negative).
    pub fn amount_due(&self) -> Decimal {
        let total = self
            .issued
            .as_ref()
            .map_or(Decimal::ZERO, |i| i.totals.total);
        (total - self.amount_paid()).max(Decimal::ZERO)
    }

    /// The first instant after the due day in `time_zone`: from then on an
    /// invoice with something to pay is overdue.
    pub fn overdue_from(&self, time_zone: &jiff::tz::TimeZone) -> Option<Timestamp> {
        let issued = self.issued.as_ref()?;
        expiry_deadline(issued.due_on, time_zone)
    }

    /// The due day has ended in `time_zone` at `now`.
    pub fn is_past_due(&self, now: Timestamp, time_zone: &jiff::tz::TimeZone) -> bool {
        self.overdue_from(time_zone).is_some_and(|from| now >= from)
    }

    /// The status on `today` (the team's local date), once issued.
    pub fn status(&self, today: Date) -> Option<InvoiceStatus> {
        let issued = self.issued.as_ref()?;
        Some(InvoiceStatus::of(
            issued.totals.total,
            self.amount_paid(),
            issued.due_on,
            today,
        ))
    }
}

impl Aggregate for Invoice {
    const CATEGORY: &'static str = "invoice";
    type Command = InvoiceCommand;
    type Event = InvoiceEvent;
    type Error = InvoiceError;

    fn decide(
        &self,
        command: InvoiceCommand,
        now: Timestamp,
    ) -> Result<Vec<InvoiceEvent>, InvoiceError> {
        super::decide::decide(self, command, now)
    }

    fn evolve(mut self, event: &InvoiceEvent) -> Self {
        match event {
            InvoiceEvent::Issued(e) => self.issued = Some(e.clone()),
            InvoiceEvent::PaymentRecorded(e) => self.payments.push(e.clone()),
            InvoiceEvent::BecameOverdue(e) => self.overdue_at = Some(e.at),
        }
        self
    }
}
