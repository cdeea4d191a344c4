//! Invoices (docs/product.md §5): one stream per invoice, `invoice-{invoice id}`.
//!
//! Staff issue an invoice to a client (number, currency, due date, lines)
//! and record payments against it. Line amounts and totals follow the quote
//! rules ([`crate::money`]): per-line rounding, totals as sums of lines.
//!
//! A payment must be positive, in the currency's minor unit at most, and no
//! more than the amount still due: overpayments are refused (a refund or
//! credit is not modelled), so `amount_paid` never exceeds the total.
//!
//! The status (`issued`, `part_paid`, `paid`, `overdue`) is derived, never
//! recorded: it depends on the date, which is the team's local date passed in
//! by the reader. Overdue means not fully paid and today is after the due date.

mod commands;
mod decide;
mod errors;
mod events;
#[cfg(any(test, feature = "samples"))]
pub mod samples;
mod state;
#[cfg(test)]
mod tests;

pub use commands::{InvoiceCommand, LineInput};
pub use decide::{MAX_DESCRIPTION_CHARS, MAX_LINES, MAX_NUMBER_CHARS};
pub use errors::{InvoiceError, InvoiceRule};
pub use events::{
    InvoiceBecameOverdue, InvoiceEvent, InvoiceIssued, InvoiceLine, PaymentRecorded,
    PaymentRecordedV1,
};
pub use state::{Invoice, InvoiceStatus};
