//! The rules an invoice command can break.

use crate::aggregate::{Refusal, RefusalKind};
use crate::money::AmountError;
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvoiceError {
    #[error("the invoice has already been issued")]
    AlreadyIssued,
    #[error("no such invoice")]
    NotIssued,
    #[error("an invoice number must not be blank")]
    BlankNumber,
    #[error("an invoice number has at most {max} characters")]
    NumberTooLong { max: usize },
    #[error("an invoice needs at least one line")]
    NoLines,
    #[error("an invoice has at most {max} lines")]
    TooManyLines { max: usize },
    #[error("line {line}: a description must not be blank")]
    BlankDescription { line: usize },
    #[error("line {line}: a description has at most {max} characters")]
    DescriptionTooLong { line: usize, max: usize },
    #[error("line {line}: {error}")]
    Amount { line: usize, error: AmountError },
    #[error("a payment must be more than zero")]
    PaymentNotPositive,
    #[error("a payment has at most {minor_digits} decimal places in this currency")]
    PaymentTooPrecise { minor_digits: u32 },
    #[error("the payment is more than the {due} still due")]
    Overpayment { due: Decimal },
    #[error("the invoice is already paid")]
    AlreadyPaid,
    #[error("a payment with this id was already recorded with another amount or day")]
    PaymentIdTaken,
    #[error("the invoice is not overdue yet")]
    NotYetOverdue,
}

impl Refusal for InvoiceError {
    fn kind(&self) -> RefusalKind {
        match self {
            InvoiceError::NotIssued => RefusalKind::NotFound,
            InvoiceError::AlreadyIssued
            | InvoiceError::AlreadyPaid
            | InvoiceError::PaymentIdTaken
            | InvoiceError::NotYetOverdue => RefusalKind::Conflict,
            _ => RefusalKind::Unprocessable,
        }
    }
}
