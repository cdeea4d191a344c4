//! Invoices with their lines and payments. Status and amount due depend on
//! the day, so they are derived when read (`queries::invoices`).

use crate::bulk::Table;
use crate::convert::{id, micros};
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, decode, stream_id};
use crate::tx::Tx;
use async_trait::async_trait;
use cma_domain::ids::InvoiceId;
use cma_domain::invoice::{Invoice, InvoiceEvent};
use cma_store::Recorded;

pub struct InvoicesView;

const INVOICE_COLUMNS: &[&str] = &[
    "invoice_id",
    "client_id",
    "number",
    "currency",
    "due_on",
    "subtotal",
    "tax",
    "total",
    "issued_at",
];
const LINE_COLUMNS: &[&str] = &[
    "invoice_id",
    "ord",
    "description",
    "quantity",
    "unit_price",
    "tax_rate",
    "net",
    "tax",
    "total",
];
const PAYMENT_COLUMNS: &[&str] = &["invoice_id", "position", "amount", "paid_on", "recorded_at"];

#[async_trait]
impl Projector for InvoicesView {
    fn name(&self) -> &'static str {
        "invoices"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["invoices", "invoice_lines", "invoice_payments"]
    }

    async fn apply(
        &self,
        tx: &mut dyn Tx,
        tables: &TableNames,
        events: &[Recorded],
    ) -> Result<(), ProjectionError> {
        let (mut invoices, mut lines, mut payments) = (Vec::new(), Vec::new(), Vec::new());
        for recorded in events {
            let Some(event) = decode::<Invoice>(recorded)? else {
                continue;
            };
            let invoice: InvoiceId = stream_id(recorded)?;
            match event {
                InvoiceEvent::Issued(e) => {
                    invoices.push(vec![
                        id(invoice.0).into(),
                        id(e.client.0).into(),
                        e.number.as_str().into(),
                        e.currency.code().into(),
                        e.due_on.to_string().into(),
                        e.totals.subtotal.to_string().into(),
                        e.totals.tax.to_string().into(),
                        e.totals.total.to_string().into(),
                        micros(recorded.event.recorded_at).into(),
                    ]);
                    for (ord, l) in e.lines.iter().enumerate() {
                        lines.push(vec![
                            id(invoice.0).into(),
                            i64::try_from(ord).unwrap_or(i64::MAX).into(),
                            l.description.as_str().into(),
                            l.quantity.to_string().into(),
                            l.unit_price.to_string().into(),
                            l.tax_rate.to_string().into(),
                            l.amounts.net.to_string().into(),
                            l.amounts.tax.to_string().into(),
                            l.amounts.total.to_string().into(),
                        ]);
                    }
                }
                InvoiceEvent::PaymentRecorded(e) => payments.push(vec![
                    id(invoice.0).into(),
                    i64::try_from(recorded.position).unwrap_or(i64::MAX).into(),
                    e.amount.to_string().into(),
                    e.paid_on.to_string().into(),
                    micros(recorded.event.recorded_at).into(),
                ]),
                // The status is derived from the due date when read.
                InvoiceEvent::BecameOverdue(_) => {}
            }
        }
        for (table, columns, rows) in [
            ("invoices", INVOICE_COLUMNS, invoices),
            ("invoice_lines", LINE_COLUMNS, lines),
            ("invoice_payments", PAYMENT_COLUMNS, payments),
        ] {
            let name = tables.of(table);
            Table {
                name: &name,
                columns,
                key: 0,
            }
            .insert(tx, rows)
            .await?;
        }
        Ok(())
    }
}
