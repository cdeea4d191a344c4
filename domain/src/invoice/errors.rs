//! The rules an invoice command can break.

use crate::aggregate::{Refusal, RefusalKind, Rule};
use crate::money::AmountError;
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(InvoiceRule),
    derive(strum::EnumIter, strum::IntoStaticStr),
    strum(serialize_all = "kebab-case")
)]
pub enum InvoiceError {
    #[error("the invoice has already been issued")]
    AlreadyIssued,
    #[error("no such invoice")]
    NotIssued,
    #[error("an invoice number must not be blank")]
    BlankNumber,
    #[error("an invoice number has at most {max} characters")]
    NumberTooLong { max: usize },
    #[error("an invoice number is one line without control, bidirectional or invisible characters")]
    NumberHasHiddenCharacters,
    #[error("an invoice needs at least one line")]
    #[strum_discriminants(strum(serialize = "invoice-no-lines"))]
    NoLines,
    #[error("an invoice has at most {max} lines")]
    #[strum_discriminants(strum(serialize = "invoice-too-many-lines"))]
    TooManyLines { max: usize },
    #[error("line {line}: a description must not be blank")]
    BlankDescription { line: usize },
    #[error("line {line}: a description has at most {max} characters")]
    #[strum_discriminants(strum(serialize = "invoice-description-too-long"))]
    DescriptionTooLong { line: usize, max: usize },
    #[error(
        "line {line}: a description may not hold control, bidirectional or invisible characters"
    )]
    #[strum_discriminants(strum(serialize = "invoice-description-has-hidden-characters"))]
    DescriptionHasHiddenCharacters { line: usize },
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

impl Rule for InvoiceRule {
    fn kind(self) -> RefusalKind {
        use InvoiceRule::*;
        match self {
            NotIssued => RefusalKind::NotFound,
            AlreadyIssued | AlreadyPaid | PaymentIdTaken | NotYetOverdue => RefusalKind::Conflict,
            BlankNumber
            | NumberTooLong
            | NumberHasHiddenCharacters
            | NoLines
            | TooManyLines
            | BlankDescription
            | DescriptionTooLong
            | DescriptionHasHiddenCharacters
            | Amount
            | PaymentNotPositive
            | PaymentTooPrecise
            | Overpayment => RefusalKind::Unprocessable,
        }
    }
}

impl Refusal for InvoiceError {
    type Rule = InvoiceRule;

    fn rule(&self) -> InvoiceRule {
        self.into()
    }
}
