//! One value of every invoice event, for golden fixtures and docs.

use super::events::*;
use crate::ids::{ClientId, InvoiceId, PaymentId, StaffId};
use crate::money::{Currency, LineAmounts, Totals};
use jiff::civil::Date;
use rust_decimal::Decimal;
use uuid::Uuid;

pub fn events() -> Vec<InvoiceEvent> {
    let invoice = InvoiceId(Uuid::from_u128(0x1_0001));
    let staff = StaffId(Uuid::from_u128(0x57_0001));
    let gbp = Currency::default();
    let (qty, price, rate) = (
        Decimal::new(25, 1),
        Decimal::new(4_000, 2),
        Decimal::new(20, 0),
    );
    let amounts = LineAmounts::of(gbp, qty, price, rate);
    vec![
        InvoiceEvent::Issued(InvoiceIssued {
            invoice,
            client: ClientId(Uuid::from_u128(0xc1_0001)),
            by: staff,
            number: "INV-0001".to_owned(),
            currency: gbp,
            due_on: Date::constant(2026, 4, 30),
            lines: vec![InvoiceLine {
                description: "Labour (hours)".to_owned(),
                quantity: qty,
                unit_price: price,
                tax_rate: rate,
                amounts,
            }],
            totals: Totals::sum(gbp, [amounts]),
        }),
        InvoiceEvent::PaymentRecorded(PaymentRecorded {
            payment: Some(PaymentId(Uuid::from_u128(0x9a7))),
            invoice,
            by: staff,
            amount: Decimal::new(5_000, 2),
            paid_on: Date::constant(2026, 4, 2),
        }),
        InvoiceEvent::BecameOverdue(InvoiceBecameOverdue {
            invoice,
            amount_due: Decimal::new(7_000, 2),
            at: crate::time::Timestamp::from_micros(1_777_593_600_000_000).expect("sample instant"),
        }),
    ]
}
