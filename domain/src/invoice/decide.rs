//! The invoice's decisions.

use super::commands::{InvoiceCommand, LineInput};
use super::errors::InvoiceError;
use super::events::*;
use super::state::Invoice;
use crate::ids::{ClientId, InvoiceId, PaymentId, StaffId};
use crate::money::{Currency, LineAmounts, Totals, check_line};
use crate::text::{self, Lines};
use crate::time::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;

/// Longest invoice number, in characters.
pub const MAX_NUMBER_CHARS: usize = 64;
/// Longest line description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;
/// Most lines on one invoice.
pub const MAX_LINES: usize = 500;

pub fn decide(
    invoice: &Invoice,
    command: InvoiceCommand,
    now: Timestamp,
) -> Result<Vec<InvoiceEvent>, InvoiceError> {
    match command {
        InvoiceCommand::Issue {
            invoice: id,
            client,
            staff,
            number,
            currency,
            due_on,
            lines,
        } => {
            let issued = issue(id, client, staff, &number, currency, due_on, &lines)?;
            match &invoice.issued {
                None => Ok(vec![InvoiceEvent::Issued(issued)]),
                Some(existing) if *existing == issued => Ok(vec![]),
                Some(_) => Err(InvoiceError::AlreadyIssued),
            }
        }
        InvoiceCommand::RecordPayment {
            payment,
            staff,
            amount,
            paid_on,
        } => pay(invoice, payment, staff, amount, paid_on),
        InvoiceCommand::MarkOverdue { time_zone } => mark_overdue(invoice, &time_zone, now),
    }
}

/// Once per invoice, when its due day has ended in `time_zone` with
/// something still to pay; a paid invoice, or one already marked, records
/// nothing.
fn mark_overdue(
    invoice: &Invoice,
    time_zone: &jiff::tz::TimeZone,
    now: Timestamp,
) -> Result<Vec<InvoiceEvent>, InvoiceError> {
    let issued = invoice.issued.as_ref().ok_or(InvoiceError::NotIssued)?;
    let amount_due = invoice.amount_due();
    if invoice.overdue_at.is_some() || amount_due <= Decimal::ZERO {
        return Ok(vec![]);
    }
    if !invoice.is_past_due(now, time_zone) {
        return Err(InvoiceError::NotYetOverdue);
    }
    Ok(vec![InvoiceEvent::BecameOverdue(InvoiceBecameOverdue {
        invoice: issued.invoice,
        amount_due,
        at: now,
    })])
}

fn issue(
    invoice: InvoiceId,
    client: ClientId,
    by: StaffId,
    number: &str,
    currency: Currency,
    due_on: Date,
    lines: &[LineInput],
) -> Result<InvoiceIssued, InvoiceError> {
    let number = text::checked(number, MAX_NUMBER_CHARS, Lines::One).map_err(|fault| {
        fault.into_error(
            InvoiceError::BlankNumber,
            InvoiceError::NumberTooLong {
                max: MAX_NUMBER_CHARS,
            },
            InvoiceError::NumberHasHiddenCharacters,
        )
    })?;
    if lines.is_empty() {
        return Err(InvoiceError::NoLines);
    }
    if lines.len() > MAX_LINES {
        return Err(InvoiceError::TooManyLines { max: MAX_LINES });
    }
    let lines = lines
        .iter()
        .enumerate()
        .map(|(i, l)| line(currency, i + 1, l))
        .collect::<Result<Vec<_>, _>>()?;
    let totals = Totals::sum(currency, lines.iter().map(|l| l.amounts));
    Ok(InvoiceIssued {
        invoice,
        client,
        by,
        number,
        currency,
        due_on,
        lines,
        totals,
    })
}

/// A checked line; `line` counts from 1 for error messages.
fn line(currency: Currency, line: usize, input: &LineInput) -> Result<InvoiceLine, InvoiceError> {
    let description = text::checked(&input.description, MAX_DESCRIPTION_CHARS, Lines::Many)
        .map_err(|fault| {
            fault.into_error(
                InvoiceError::BlankDescription { line },
                InvoiceError::DescriptionTooLong {
                    line,
                    max: MAX_DESCRIPTION_CHARS,
                },
                InvoiceError::DescriptionHasHiddenCharacters { line },
            )
        })?;
    check_line(input.quantity, input.unit_price, input.tax_rate)
        .map_err(|error| InvoiceError::Amount { line, error })?;
    Ok(InvoiceLine {
        description,
        quantity: input.quantity,
        unit_price: input.unit_price,
        tax_rate: input.tax_rate,
        amounts: LineAmounts::of(currency, input.quantity, input.unit_price, input.tax_rate),
    })
}

fn pay(
    invoice: &Invoice,
    payment: PaymentId,
    by: StaffId,
    amount: Decimal,
    paid_on: Date,
) -> Result<Vec<InvoiceEvent>, InvoiceError> {
    let issued = invoice.issued.as_ref().ok_or(InvoiceError::NotIssued)?;
    if let Some(recorded) = invoice.payments.iter().find(|p| p.payment == Some(payment)) {
        // A retry records nothing; the id used for another payment is refused.
        return if recorded.amount == amount && recorded.paid_on == paid_on {
            Ok(vec![])
        } else {
            Err(InvoiceError::PaymentIdTaken)
        };
    }
    let due = invoice.amount_due();
    if due <= Decimal::ZERO {
        return Err(InvoiceError::AlreadyPaid);
    }
    if amount <= Decimal::ZERO {
        return Err(InvoiceError::PaymentNotPositive);
    }
    let minor_digits = issued.currency.minor_digits();
    if amount.normalize().scale() > minor_digits {
        return Err(InvoiceError::PaymentTooPrecise { minor_digits });
    }
    if amount > due {
        return Err(InvoiceError::Overpayment { due });
    }
    Ok(vec![InvoiceEvent::PaymentRecorded(PaymentRecorded {
        payment: Some(payment),
        invoice: issued.invoice,
        by,
        amount: issued.currency.round(amount),
        paid_on,
    })])
}
