use super::*;
use crate::ids::{InvoiceId, PaymentId};
use crate::money::{AmountError, Currency};
use crate::testing::fixtures::{alice, at, d, staff};
use crate::testing::given;
use crate::{Refusal, RefusalKind};
use jiff::civil::Date;
use uuid::Uuid;

fn day(s: &str) -> Date {
    s.parse().expect("test date")
}

fn id() -> InvoiceId {
    InvoiceId(Uuid::from_u128(0x1_0001))
}

fn line(description: &str, qty: &str, price: &str, rate: &str) -> LineInput {
    LineInput {
        description: description.into(),
        quantity: d(qty),
        unit_price: d(price),
        tax_rate: d(rate),
    }
}

fn issue_in(currency: &str, lines: Vec<LineInput>) -> InvoiceCommand {
    InvoiceCommand::Issue {
        invoice: id(),
        client: alice(),
        staff: staff(),
        number: " INV-0042 ".into(),
        currency: Currency::from_code(currency).expect("currency"),
        due_on: day("2026-04-30"),
        lines,
    }
}

/// A £120.00 invoice: 2 × 50.00 + 20 % VAT, due 30 April 2026.
fn issue() -> InvoiceCommand {
    issue_in("GBP", vec![line("Fit radiator", "2", "50", "20")])
}

/// [`issue`] under another number.
fn numbered(number: &str) -> InvoiceCommand {
    let mut cmd = issue();
    if let InvoiceCommand::Issue { number: n, .. } = &mut cmd {
        *n = number.to_owned();
    }
    cmd
}

fn issued() -> InvoiceEvent {
    let events = given::<Invoice>([])
        .when(issue())
        .outcome()
        .expect("issues");
    events.into_iter().next().expect("one event")
}

fn payment(n: u128) -> PaymentId {
    PaymentId(Uuid::from_u128(0x9a7_0000 + n))
}

/// Pays `amount` as payment 1.
fn pay(amount: &str) -> InvoiceCommand {
    InvoiceCommand::RecordPayment {
        payment: payment(1),
        staff: staff(),
        amount: d(amount),
        paid_on: day("2026-04-10"),
    }
}

/// Payment `n` of `amount` recorded.
fn paid_as(n: u128, amount: &str) -> InvoiceEvent {
    InvoiceEvent::PaymentRecorded(PaymentRecorded {
        payment: Some(payment(n)),
        invoice: id(),
        by: staff(),
        amount: d(amount),
        paid_on: day("2026-04-10"),
    })
}

/// What [`pay`] records.
fn paid(amount: &str) -> InvoiceEvent {
    paid_as(1, amount)
}

/// A payment recorded before, under another id.
fn earlier(amount: &str) -> InvoiceEvent {
    paid_as(0, amount)
}

#[test]
fn staff_issue_an_invoice_with_rounded_line_amounts_and_totals() {
    let events = given::<Invoice>([])
        .when(issue_in(
            "GBP",
            vec![
                line("Labour", "2.5", "10.01", "20"),
                line("Parts", "1", "0.333", "0"),
            ],
        ))
        .outcome()
        .expect("issued");
    let InvoiceEvent::Issued(i) = &events[0] else {
        panic!("not issued: {events:?}")
    };
    assert_eq!(i.number, "INV-0042");
    assert_eq!(i.lines[0].amounts.total.to_string(), "30.04");
    assert_eq!(i.totals.subtotal.to_string(), "25.36");
    assert_eq!(i.totals.tax.to_string(), "5.01");
    assert_eq!(i.totals.total.to_string(), "30.37");
}

#[test]
fn issuing_the_same_invoice_again_records_nothing() {
    given::<Invoice>([issued()]).when(issue()).then_nothing();
}

#[test]
fn an_issued_invoice_cannot_be_issued_differently() {
    given::<Invoice>([issued()])
        .when(issue_in("EUR", vec![line("Fit radiator", "2", "50", "20")]))
        .then_refused(InvoiceError::AlreadyIssued);
}

#[test]
fn an_invoice_needs_a_number() {
    given::<Invoice>([])
        .when(numbered("  "))
        .then_refused(InvoiceError::BlankNumber);
}

#[test]
fn an_invoice_needs_a_line() {
    given::<Invoice>([])
        .when(issue_in("GBP", vec![]))
        .then_refused(InvoiceError::NoLines);
}

#[test]
fn a_line_needs_a_description() {
    given::<Invoice>([])
        .when(issue_in(
            "GBP",
            vec![line("ok", "1", "1", "0"), line(" ", "1", "1", "0")],
        ))
        .then_refused(InvoiceError::BlankDescription { line: 2 });
}

#[test]
fn a_number_is_one_line_without_escapes_or_overrides() {
    for number in ["INV\n42", "INV\u{1b}[2J42", "INV-\u{202e}24"] {
        given::<Invoice>([])
            .when(numbered(number))
            .then_refused(InvoiceError::NumberHasHiddenCharacters);
    }
}

#[test]
fn a_description_may_span_lines_but_holds_no_escapes_or_overrides() {
    for description in [
        "Radiator\r\nfitted",
        "Radiator\u{1b}[2J",
        "Radiator\u{200b}",
    ] {
        let lines = vec![
            line("Fit radiator", "2", "50", "20"),
            line(description, "1", "10", "20"),
        ];
        given::<Invoice>([])
            .when(issue_in("GBP", lines))
            .then_refused(InvoiceError::DescriptionHasHiddenCharacters { line: 2 });
    }
    let lines = vec![line("Fit radiator\n\tkitchen, 600 mm", "2", "50", "20")];
    let events = given::<Invoice>([])
        .when(issue_in("GBP", lines))
        .outcome()
        .expect("issues");
    let [InvoiceEvent::Issued(issued)] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(
        issued.lines[0].description,
        "Fit radiator\n\tkitchen, 600 mm"
    );
}

#[test]
fn a_negative_quantity_is_refused() {
    given::<Invoice>([])
        .when(issue_in("GBP", vec![line("Refund", "-1", "10", "0")]))
        .then_refused(InvoiceError::Amount {
            line: 1,
            error: AmountError::Negative("quantity"),
        });
}

#[test]
fn a_payment_on_an_unissued_invoice_is_not_found() {
    given::<Invoice>([])
        .when(pay("10"))
        .then_refused(InvoiceError::NotIssued);
}

#[test]
fn a_part_payment_makes_the_invoice_part_paid() {
    let invoice = given::<Invoice>([issued()])
        .when(pay("50"))
        .then([paid("50.00")]);
    assert_eq!(invoice.amount_paid().to_string(), "50.00");
    assert_eq!(invoice.amount_due().to_string(), "70.00");
    assert_eq!(
        invoice.status(day("2026-04-10")),
        Some(InvoiceStatus::PartPaid)
    );
}

#[test]
fn payments_reaching_the_total_make_the_invoice_paid() {
    let invoice = given::<Invoice>([issued(), earlier("50.00")])
        .when(pay("70.00"))
        .then([paid("70.00")]);
    assert_eq!(invoice.amount_due().to_string(), "0.00");
    assert_eq!(invoice.status(day("2026-05-10")), Some(InvoiceStatus::Paid));
}

#[test]
fn a_payment_recorded_again_under_its_id_records_nothing() {
    // A retry, even once the payment has settled the invoice.
    given::<Invoice>([issued(), paid("120.00")])
        .when(pay("120"))
        .then([]);
    given::<Invoice>([issued(), paid("50.00")])
        .when(pay("50.00"))
        .then([]);
}

#[test]
fn a_payment_id_already_used_for_another_payment_is_refused() {
    given::<Invoice>([issued(), paid("50.00")])
        .when(pay("20.00"))
        .then_refused(InvoiceError::PaymentIdTaken);
    let other_day = InvoiceCommand::RecordPayment {
        payment: payment(1),
        staff: staff(),
        amount: d("50.00"),
        paid_on: day("2026-04-11"),
    };
    given::<Invoice>([issued(), paid("50.00")])
        .when(other_day)
        .then_refused(InvoiceError::PaymentIdTaken);
    assert_eq!(InvoiceError::PaymentIdTaken.kind(), RefusalKind::Conflict);
}

#[test]
fn a_version_1_payment_is_read_without_an_id() {
    use crate::codec::{EventCodec, encode_payload};
    let old = PaymentRecordedV1 {
        invoice: id(),
        by: staff(),
        amount: d("50.00"),
        paid_on: day("2026-04-10"),
    };
    let read = InvoiceEvent::decode("InvoicePaymentRecorded", 1, &encode_payload(&old));
    let Ok(InvoiceEvent::PaymentRecorded(read)) = read else {
        panic!("not a payment: {read:?}");
    };
    assert_eq!(read.payment, None);
    assert_eq!((read.amount, read.paid_on), (old.amount, old.paid_on));
    // It counts as paid, and no new payment's id matches it.
    given::<Invoice>([issued(), InvoiceEvent::PaymentRecorded(read)])
        .when(pay("70.00"))
        .then([paid("70.00")]);
}

#[test]
fn an_overpayment_is_refused() {
    given::<Invoice>([issued(), earlier("50.00")])
        .when(pay("70.01"))
        .then_refused(InvoiceError::Overpayment { due: d("70.00") });
}

#[test]
fn a_payment_on_a_paid_invoice_is_refused() {
    given::<Invoice>([issued(), earlier("120.00")])
        .when(pay("1"))
        .then_refused(InvoiceError::AlreadyPaid);
}

#[test]
fn a_payment_must_be_positive() {
    given::<Invoice>([issued()])
        .when(pay("0"))
        .then_refused(InvoiceError::PaymentNotPositive);
    given::<Invoice>([issued()])
        .when(pay("-5"))
        .then_refused(InvoiceError::PaymentNotPositive);
}

#[test]
fn a_payment_finer_than_the_minor_unit_is_refused() {
    given::<Invoice>([issued()])
        .when(pay("10.005"))
        .then_refused(InvoiceError::PaymentTooPrecise { minor_digits: 2 });
    given::<Invoice>([issued()])
        .when(pay("10.500"))
        .then([paid("10.50")]);
}

#[test]
fn a_yen_invoice_takes_whole_yen_payments_only() {
    let events = given::<Invoice>([])
        .when(issue_in("JPY", vec![line("Work", "1", "1000", "10")]))
        .outcome()
        .expect("issued");
    given::<Invoice>(events.clone())
        .when(pay("0.5"))
        .then_refused(InvoiceError::PaymentTooPrecise { minor_digits: 0 });
    given::<Invoice>(events)
        .when(pay("1100"))
        .then([paid("1100")]);
}

#[test]
fn an_unpaid_invoice_is_issued_until_its_due_date_and_overdue_after() {
    let invoice = given::<Invoice>([issued()]).state().clone();
    assert_eq!(
        invoice.status(day("2026-04-30")),
        Some(InvoiceStatus::Issued)
    );
    assert_eq!(
        invoice.status(day("2026-05-01")),
        Some(InvoiceStatus::Overdue)
    );
}

#[test]
fn a_part_paid_invoice_past_its_due_date_is_overdue() {
    let invoice = given::<Invoice>([issued(), earlier("50.00")])
        .state()
        .clone();
    assert_eq!(
        invoice.status(day("2026-05-01")),
        Some(InvoiceStatus::Overdue)
    );
    assert_eq!(
        invoice.status(day("2026-05-01")).map(InvoiceStatus::as_str),
        Some("overdue")
    );
}

#[test]
fn a_paid_invoice_is_never_overdue() {
    let invoice = given::<Invoice>([issued(), earlier("120.00")])
        .state()
        .clone();
    assert_eq!(invoice.status(day("2027-01-01")), Some(InvoiceStatus::Paid));
}

#[test]
fn an_unissued_invoice_has_no_status() {
    assert_eq!(Invoice::default().status(day("2026-04-01")), None);
}

#[test]
fn refusals_map_to_their_status_kinds() {
    assert_eq!(InvoiceError::NotIssued.kind(), RefusalKind::NotFound);
    assert_eq!(InvoiceError::AlreadyPaid.kind(), RefusalKind::Conflict);
    assert_eq!(
        InvoiceError::Overpayment { due: d("1") }.kind(),
        RefusalKind::Unprocessable
    );
}

fn london() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/London").expect("zone")
}

fn mark_overdue() -> InvoiceCommand {
    InvoiceCommand::MarkOverdue {
        time_zone: london(),
    }
}

fn became_overdue(amount_due: &str, on: &str) -> InvoiceEvent {
    InvoiceEvent::BecameOverdue(events::InvoiceBecameOverdue {
        invoice: id(),
        amount_due: d(amount_due),
        at: at(on),
    })
}

#[test]
fn an_unpaid_invoice_becomes_overdue_once_its_due_day_has_ended_in_the_team_zone() {
    // 30 April ends at 23:00 UTC in London (BST).
    given::<Invoice>([issued()])
        .at(at("2026-04-30T22:59:59Z"))
        .when(mark_overdue())
        .then_refused(InvoiceError::NotYetOverdue);
    let state = given::<Invoice>([issued(), earlier("20.00")])
        .at(at("2026-04-30T23:00:00Z"))
        .when(mark_overdue())
        .then([became_overdue("100.00", "2026-04-30T23:00:00Z")]);
    assert_eq!(state.overdue_at, Some(at("2026-04-30T23:00:00Z")));
    assert_eq!(InvoiceError::NotYetOverdue.kind(), RefusalKind::Conflict);
}

#[test]
fn an_invoice_is_marked_overdue_only_once() {
    given::<Invoice>([issued(), became_overdue("120.00", "2026-05-01T09:00:00Z")])
        .at(at("2026-05-09T09:00:00Z"))
        .when(mark_overdue())
        .then_nothing();
}

#[test]
fn a_paid_invoice_never_becomes_overdue() {
    given::<Invoice>([issued(), earlier("120.00")])
        .at(at("2026-05-09T09:00:00Z"))
        .when(mark_overdue())
        .then_nothing();
    given::<Invoice>([])
        .when(mark_overdue())
        .then_refused(InvoiceError::NotIssued);
}
