//! The rules an invoice command can break.

use crate::aggregate::refusal_enum;
use crate::money::AmountError;
use rust_decimal::Decimal;

refusal_enum! {
    pub enum InvoiceError: InvoiceRule {
        #[error("the invoice has already been issued")]
        AlreadyIssued => Conflict,
        #[error("no such invoice")]
        NotIssued => NotFound,
        #[error("an invoice number must not be blank")]
        BlankNumber => Unprocessable,
        #[error("an invoice number has at most {max} characters")]
        NumberTooLong { max: usize } => Unprocessable,
        #[error("an invoice number is one line without control, bidirectional or invisible characters")]
        NumberHasHiddenCharacters => Unprocessable,
        #[error("an invoice needs at least one line")]
        #[strum_discriminants(strum(serialize = "invoice-no-lines"))]
        NoLines => Unprocessable,
        #[error("an invoice has at most {max} lines")]
        #[strum_discriminants(strum(serialize = "invoice-too-many-lines"))]
        TooManyLines { max: usize } => Unprocessable,
        #[error("line {line}: a description must not be blank")]
        BlankDescription { line: usize } => Unprocessable,
        #[error("line {line}: a description has at most {max} characters")]
        #[strum_discriminants(strum(serialize = "invoice-description-too-long"))]
        DescriptionTooLong { line: usize, max: usize } => Unprocessable,
        #[error(
            "line {line}: a description may not hold control, bidirectional or invisible characters"
        )]
        #[strum_discriminants(strum(serialize = "invoice-description-has-hidden-characters"))]
        DescriptionHasHiddenCharacters { line: usize } => Unprocessable,
        #[error("line {line}: {error}")]
        Amount { line: usize, error: AmountError } => Unprocessable,
        #[error("a payment must be more than zero")]
        PaymentNotPositive => Unprocessable,
        #[error("a payment has at most {minor_digits} decimal places in this currency")]
        PaymentTooPrecise { minor_digits: u32 } => Unprocessable,
        #[error("the payment is more than the {due} still due")]
        Overpayment { due: Decimal } => Unprocessable,
        #[error("the invoice is already paid")]
        AlreadyPaid => Conflict,
        #[error("a payment with this id was already recorded with another amount or day")]
        PaymentIdTaken => Conflict,
        #[error("the invoice is not overdue yet")]
        NotYetOverdue => Conflict,
    }
}
