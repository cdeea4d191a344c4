//! What staff can ask of an invoice. Clients only read invoices.

use crate::ids::{ClientId, InvoiceId, PaymentId, StaffId};
use crate::money::Currency;
use jiff::civil::Date;
use rust_decimal::Decimal;

/// A line as entered: the amounts are computed when the invoice is issued.
#[derive(Debug, Clone, PartialEq)]
pub struct LineInput {
    pub description: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub tax_rate: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub enum InvoiceCommand {
    /// Issue the invoice. `number` is the one staff typed, or one the caller
    /// generated when they left it out.
    Issue {
        invoice: InvoiceId,
        client: ClientId,
        staff: StaffId,
        number: String,
        currency: Currency,
        due_on: Date,
        lines: Vec<LineInput>,
    },
    /// Record a payment received on `paid_on`. The same `payment` again
    /// with the same amount and day records nothing (a retry); with
    /// another amount or day it is refused.
    RecordPayment {
        payment: PaymentId,
        staff: StaffId,
        amount: Decimal,
        paid_on: Date,
    },
    /// The worker: the due day has ended in `time_zone` (the team's) with
    /// something still to pay. Once per invoice.
    MarkOverdue { time_zone: jiff::tz::TimeZone },
}
