//! `GET /clients/{id}/invoices`, `GET /invoices/{id}` and their portal
//! twins. Status and amounts are the domain invoice's, on the team's
//! local date.

use super::{Scope, client_in_scope, team_zone};
use crate::convert::{date, decimal, parse_id, rfc3339, totals};
use crate::db::ReadDb;
use crate::error::ProjectionError;
use crate::table::Record;
use crate::views::invoices::InvoiceRow;
use cma_domain::Timestamp;
use cma_domain::ids::{ClientId, InvoiceId, StaffId};
use cma_domain::invoice::{Invoice, InvoiceIssued, PaymentRecorded};
use cma_domain::money::{Currency, Totals};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// `GET /clients/{id}/invoices`, `GET /portal/invoices`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct InvoiceList {
    pub invoices: Vec<InvoiceSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct InvoiceSummary {
    #[schema(format = Uuid)]
    pub invoice_id: String,
    pub number: String,
    /// `issued`, `part_paid`, `paid` or `overdue`.
    pub status: String,
    /// ISO 4217.
    #[schema(example = "GBP")]
    pub currency: String,
    pub totals: Totals,
    #[schema(example = "14.00")]
    pub amount_due: String,
    #[schema(format = Date)]
    pub due_on: String,
    /// When it was issued.
    #[schema(format = DateTime)]
    pub issued_at: String,
}

/// `GET /invoices/{id}`, `GET /portal/invoices/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct InvoiceView {
    #[schema(format = Uuid)]
    pub invoice_id: String,
    #[schema(format = Uuid)]
    pub client_id: String,
    pub number: String,
    /// ISO 4217.
    #[schema(example = "GBP")]
    pub currency: String,
    /// `issued`, `part_paid`, `paid` or `overdue`.
    pub status: String,
    pub lines: Vec<Line>,
    pub totals: Totals,
    #[schema(example = "10.00")]
    pub amount_paid: String,
    #[schema(example = "14.00")]
    pub amount_due: String,
    #[schema(format = Date)]
    pub due_on: String,
    /// When it was issued.
    #[schema(format = DateTime)]
    pub issued_at: String,
    /// Payments in the order they were recorded.
    pub payments: Vec<PaymentView>,
}

/// One payment recorded against an invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = InvoicePayment)]
pub struct PaymentView {
    #[schema(example = "50.00")]
    pub amount: String,
    /// The day the money was received, as staff entered it.
    #[schema(format = Date)]
    pub paid_on: String,
    /// When the payment was recorded.
    #[schema(format = DateTime)]
    pub recorded_at: String,
}

/// One invoice line with its amounts, as decimal strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow, ToSchema)]
#[schema(as = InvoiceLine)]
pub struct Line {
    pub description: String,
    #[schema(example = "1")]
    pub quantity: String,
    #[schema(example = "80.00")]
    pub unit_price: String,
    /// Percent.
    #[schema(example = "20")]
    pub tax_rate: String,
    #[schema(example = "80.00")]
    pub net: String,
    #[schema(example = "16.00")]
    pub tax: String,
    #[schema(example = "96.00")]
    pub total: String,
}

/// An invoice's figures as the domain reads them: status, paid, due.
struct Figures {
    status: String,
    amount_paid: String,
    amount_due: String,
}

impl InvoiceRow {
    fn figures(&self, payments: &[PaymentRow], today: Date) -> Result<Figures, ProjectionError> {
        let currency = Currency::from_code(&self.currency)
            .ok_or_else(|| ProjectionError::corrupt("currency", &self.currency))?;
        let invoice_id: InvoiceId = parse_id(&self.invoice_id)?;
        let due_on = date(&self.due_on)?;
        let invoice = Invoice {
            issued: Some(InvoiceIssued {
                invoice: invoice_id,
                client: parse_id(&self.client_id)?,
                by: StaffId::default(),
                number: self.number.clone(),
                currency,
                due_on,
                lines: Vec::new(),
                totals: self.totals()?,
            }),
            payments: payments
                .iter()
                .map(|p| {
                    Ok(PaymentRecorded {
                        payment: None,
                        invoice: invoice_id,
                        by: StaffId::default(),
                        amount: decimal(&p.amount)?,
                        paid_on: date(&p.paid_on)?,
                    })
                })
                .collect::<Result<_, ProjectionError>>()?,
            overdue_at: None,
        };
        let status = invoice
            .status(today)
            .ok_or_else(|| ProjectionError::corrupt("invoice", &self.invoice_id))?;
        Ok(Figures {
            status: status.as_str().to_owned(),
            amount_paid: invoice.amount_paid().to_string(),
            amount_due: invoice.amount_due().to_string(),
        })
    }

    fn totals(&self) -> Result<Totals, ProjectionError> {
        totals(&self.subtotal, &self.tax, &self.total)
    }
}

#[derive(sqlx::FromRow)]
struct PaymentRow {
    invoice_id: String,
    amount: String,
    paid_on: String,
    recorded_at: i64,
}

impl PaymentRow {
    fn view(&self) -> Result<PaymentView, ProjectionError> {
        Ok(PaymentView {
            amount: self.amount.clone(),
            paid_on: self.paid_on.clone(),
            recorded_at: rfc3339(self.recorded_at)?,
        })
    }
}

/// Payments by invoice, each invoice's in the order they were recorded.
async fn payments(
    db: &ReadDb,
    client: ClientId,
    invoice: Option<InvoiceId>,
) -> Result<HashMap<String, Vec<PaymentRow>>, ProjectionError> {
    let rows: Vec<PaymentRow> = sqlx::query_as(
        "SELECT p.invoice_id, p.amount, p.paid_on, p.recorded_at FROM invoice_payments p \
         JOIN invoices i ON i.invoice_id = p.invoice_id \
         WHERE i.client_id = $1 AND ($2 IS NULL OR i.invoice_id = $2) ORDER BY p.position",
    )
    .bind(client.to_string())
    .bind(invoice.map(|i| i.to_string()))
    .fetch_all(db.pool())
    .await?;
    let mut by_invoice: HashMap<String, Vec<PaymentRow>> = HashMap::new();
    for row in rows {
        by_invoice
            .entry(row.invoice_id.clone())
            .or_default()
            .push(row);
    }
    Ok(by_invoice)
}

async fn today(db: &ReadDb, scope: Scope, now: Timestamp) -> Result<Date, ProjectionError> {
    let zone = team_zone(db, scope.team()).await?;
    Ok(zone.to_datetime(now.to_jiff()).date())
}

/// The client's invoices, newest first (by when issued); `None` for a client out of scope.
pub async fn list(
    db: &ReadDb,
    scope: Scope,
    client: ClientId,
    now: Timestamp,
) -> Result<Option<InvoiceList>, ProjectionError> {
    if !client_in_scope(db, scope, client).await? {
        return Ok(None);
    }
    let rows: Vec<InvoiceRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM invoices WHERE client_id = $1 ORDER BY issued_at DESC, invoice_id DESC",
        InvoiceRow::TABLE.column_list()
    )))
    .bind(client.to_string())
    .fetch_all(db.pool())
    .await?;
    let paid = payments(db, client, None).await?;
    let today = today(db, scope, now).await?;
    let invoices = rows
        .into_iter()
        .map(|r| {
            let figures = r.figures(paid.get(&r.invoice_id).map_or(&[], Vec::as_slice), today)?;
            Ok(InvoiceSummary {
                totals: r.totals()?,
                issued_at: rfc3339(r.issued_at)?,
                invoice_id: r.invoice_id,
                number: r.number,
                status: figures.status,
                currency: r.currency,
                amount_due: figures.amount_due,
                due_on: r.due_on,
            })
        })
        .collect::<Result<_, ProjectionError>>()?;
    Ok(Some(InvoiceList { invoices }))
}

/// One invoice; `None` when it is not a client's in scope.
pub async fn get(
    db: &ReadDb,
    scope: Scope,
    invoice: InvoiceId,
    now: Timestamp,
) -> Result<Option<InvoiceView>, ProjectionError> {
    let row: Option<InvoiceRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM invoices WHERE invoice_id = $1",
        InvoiceRow::TABLE.column_list()
    )))
    .bind(invoice.to_string())
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let client: ClientId = parse_id(&row.client_id)?;
    if !client_in_scope(db, scope, client).await? {
        return Ok(None);
    }
    let lines: Vec<Line> = sqlx::query_as(
        "SELECT description, quantity, unit_price, tax_rate, net, tax, total FROM invoice_lines \
         WHERE invoice_id = $1 ORDER BY ord",
    )
    .bind(invoice.to_string())
    .fetch_all(db.pool())
    .await?;
    let paid = payments(db, client, Some(invoice)).await?;
    let today = today(db, scope, now).await?;
    let paid = paid.get(&row.invoice_id).map_or(&[][..], Vec::as_slice);
    let figures = row.figures(paid, today)?;
    Ok(Some(InvoiceView {
        totals: row.totals()?,
        issued_at: rfc3339(row.issued_at)?,
        payments: paid
            .iter()
            .map(PaymentRow::view)
            .collect::<Result<_, _>>()?,
        invoice_id: row.invoice_id,
        client_id: row.client_id,
        number: row.number,
        currency: row.currency,
        status: figures.status,
        lines,
        amount_paid: figures.amount_paid,
        amount_due: figures.amount_due,
        due_on: row.due_on,
    }))
}
