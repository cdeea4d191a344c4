//! Invoices with their lines and payments. Status and amount due depend on
//! the day, so they are derived when read (`queries::invoices`).

use crate::convert::{id, micros};
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, events_of};
use crate::table::{insert, table};
use crate::tx::Tx;
use async_trait::async_trait;
use cma_domain::ids::InvoiceId;
use cma_domain::invoice::{Invoice, InvoiceEvent};
use cma_store::Recorded;

pub struct InvoicesView;

table! {
    /// An issued invoice (its amounts as issued; status is read by date).
    #[derive(sqlx::FromRow)]
    pub(crate) struct InvoiceRow in "invoices" key (invoice_id) {
        invoice_id: String,
        client_id: String,
        number: String,
        currency: String,
        due_on: String,
        subtotal: String,
        tax: String,
        total: String,
        issued_at: i64,
    }
}

table! {
    /// One line of an invoice, in order.
    struct InvoiceLineRow in "invoice_lines" key (invoice_id, ord) {
        invoice_id: String,
        ord: i64,
        description: String,
        quantity: String,
        unit_price: String,
        tax_rate: String,
        net: String,
        tax: String,
        total: String,
    }
}

table! {
    /// One payment, keyed by its event's position.
    struct PaymentRow in "invoice_payments" key (invoice_id, position) {
        invoice_id: String,
        position: i64,
        amount: String,
        paid_on: String,
        recorded_at: i64,
    }
}

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
        for (invoice, recorded, event) in events_of::<Invoice, InvoiceId>(events)? {
            match event {
                InvoiceEvent::Issued(e) => {
                    invoices.push(InvoiceRow {
                        invoice_id: id(invoice.0),
                        client_id: id(e.client.0),
                        number: e.number,
                        currency: e.currency.code().to_owned(),
                        due_on: e.due_on.to_string(),
                        subtotal: e.totals.subtotal.to_string(),
                        tax: e.totals.tax.to_string(),
                        total: e.totals.total.to_string(),
                        issued_at: micros(recorded.event.recorded_at),
                    });
                    lines.extend(e.lines.iter().enumerate().map(|(ord, l)| InvoiceLineRow {
                        invoice_id: id(invoice.0),
                        ord: i64::try_from(ord).unwrap_or(i64::MAX),
                        description: l.description.clone(),
                        quantity: l.quantity.to_string(),
                        unit_price: l.unit_price.to_string(),
                        tax_rate: l.tax_rate.to_string(),
                        net: l.amounts.net.to_string(),
                        tax: l.amounts.tax.to_string(),
                        total: l.amounts.total.to_string(),
                    }));
                }
                InvoiceEvent::PaymentRecorded(e) => payments.push(PaymentRow {
                    invoice_id: id(invoice.0),
                    position: i64::try_from(recorded.position).unwrap_or(i64::MAX),
                    amount: e.amount.to_string(),
                    paid_on: e.paid_on.to_string(),
                    recorded_at: micros(recorded.event.recorded_at),
                }),
                // The status is derived from the due date when read.
                InvoiceEvent::BecameOverdue(_) => {}
            }
        }
        insert(tx, tables, invoices).await?;
        insert(tx, tables, lines).await?;
        insert(tx, tables, payments).await
    }
}
