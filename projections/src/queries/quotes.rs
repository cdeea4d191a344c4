//! The quote view (`GET /quotes/{id}`, `GET /portal/quotes/{id}`) and the
//! quote lists (`GET /clients/{id}/quotes`, `GET /portal/quotes`).
//! Clients see a quote only once sent.

use super::{Scope, client_in_scope, team_zone};
use crate::convert::{date, rfc3339, timestamp, totals};
use crate::db::ReadDb;
use crate::error::ProjectionError;
use cma_domain::Timestamp;
use cma_domain::ids::{ClientId, QuoteId};
use cma_domain::money::Totals;
use cma_domain::quote::QuoteStatus;
use jiff::tz::TimeZone;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// `GET /clients/{id}/quotes`, `GET /portal/quotes`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct QuoteList {
    pub quotes: Vec<QuoteSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct QuoteSummary {
    #[schema(format = Uuid)]
    pub quote_id: String,
    pub title: String,
    /// `draft`, `sent`, `accepted`, `expired` or `withdrawn`.
    pub status: String,
    pub revision: i64,
    /// ISO 4217.
    #[schema(example = "GBP")]
    pub currency: String,
    pub totals: Totals,
    /// When it was drafted.
    #[schema(format = DateTime)]
    pub created_at: String,
    /// When it was sent; left out while a draft.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub sent_at: Option<String>,
    /// The last day the quote may be accepted, in the team's time zone;
    /// left out when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub expires_on: Option<String>,
}

/// The quote view: `GET /quotes/{id}`, `GET /portal/quotes/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct QuoteView {
    #[schema(format = Uuid)]
    pub quote_id: String,
    #[schema(format = Uuid)]
    pub client_id: String,
    pub title: String,
    /// ISO 4217.
    #[schema(example = "GBP")]
    pub currency: String,
    /// `draft`, `sent`, `accepted`, `expired` or `withdrawn`.
    pub status: String,
    /// 1, then one more with each edit of a sent quote.
    pub revision: i64,
    /// The last day the quote may be accepted, in the team's time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub expires_on: Option<String>,
    pub lines: Vec<Line>,
    pub totals: Totals,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<Acceptance>,
}

/// One quote line with its amounts (decimal strings) and comment thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = QuoteLine)]
pub struct Line {
    #[schema(format = Uuid)]
    pub line_id: String,
    pub description: String,
    #[schema(example = "2.5")]
    pub quantity: String,
    #[schema(example = "120.00")]
    pub unit_price: String,
    /// Percent.
    #[schema(example = "20")]
    pub tax_rate: String,
    pub optional: bool,
    pub selected: bool,
    #[schema(example = "300.00")]
    pub net: String,
    #[schema(example = "60.00")]
    pub tax: String,
    #[schema(example = "360.00")]
    pub total: String,
    pub comments: Vec<Comment>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Comment {
    /// `client` or `staff`.
    pub author: String,
    pub text: String,
    #[schema(format = DateTime)]
    pub at: String,
}

/// Who accepted the quote, when, and from which address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Acceptance {
    pub name: String,
    #[schema(format = DateTime)]
    pub accepted_at: String,
    pub ip: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    quote_id: String,
    client_id: String,
    title: String,
    currency: String,
    expires_on: Option<String>,
    revision: i64,
    status: String,
    subtotal: String,
    tax: String,
    total: String,
    accepted_name: Option<String>,
    accepted_at: Option<i64>,
    accepted_ip: Option<String>,
    created_at: i64,
    sent_at: Option<i64>,
}

const COLUMNS: &str = "quote_id, client_id, title, currency, expires_on, revision, status, \
     subtotal, tax, total, accepted_name, accepted_at, accepted_ip, created_at, sent_at";

impl Row {
    /// The recorded status, or `expired` once the expiry day has ended in
    /// the team's zone though the worker has not recorded it yet.
    fn status_at(&self, now: Timestamp, zone: &TimeZone) -> Result<String, ProjectionError> {
        let recorded = QuoteStatus::parse(&self.status)
            .ok_or_else(|| ProjectionError::corrupt("quote status", &self.status))?;
        let expires_on = self.expires_on.as_deref().map(date).transpose()?;
        Ok(recorded.at(expires_on, now, zone).as_str().to_owned())
    }

    fn totals(&self) -> Result<Totals, ProjectionError> {
        totals(&self.subtotal, &self.tax, &self.total)
    }
}

/// The client's quotes, newest first (by when drafted); `None` for a client out of scope.
pub async fn list(
    db: &ReadDb,
    scope: Scope,
    client: ClientId,
    now: Timestamp,
) -> Result<Option<QuoteList>, ProjectionError> {
    if !client_in_scope(db, scope, client).await? {
        return Ok(None);
    }
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM quotes WHERE team_id = $1 AND client_id = $2 \
         AND (sent = 1 OR $3 = 0) ORDER BY created_at DESC, quote_id DESC"
    )))
    .bind(scope.team().to_string())
    .bind(client.to_string())
    .bind(i64::from(scope.is_client()))
    .fetch_all(db.pool())
    .await?;
    let zone = team_zone(db, scope.team()).await?;
    let quotes = rows
        .into_iter()
        .map(|r| {
            Ok(QuoteSummary {
                status: r.status_at(now, &zone)?,
                totals: r.totals()?,
                created_at: rfc3339(r.created_at)?,
                sent_at: r.sent_at.map(rfc3339).transpose()?,
                quote_id: r.quote_id,
                title: r.title,
                revision: r.revision,
                currency: r.currency,
                expires_on: r.expires_on,
            })
        })
        .collect::<Result<_, ProjectionError>>()?;
    Ok(Some(QuoteList { quotes }))
}

#[derive(sqlx::FromRow)]
struct LineRow {
    line_id: String,
    description: String,
    quantity: String,
    unit_price: String,
    tax_rate: String,
    optional: i64,
    selected: i64,
    net: String,
    tax: String,
    total: String,
}

#[derive(sqlx::FromRow)]
struct CommentRow {
    line_id: String,
    author: String,
    text: String,
    at: i64,
}

/// One quote as its reader may see it; `None` when out of scope.
pub async fn get(
    db: &ReadDb,
    scope: Scope,
    quote: QuoteId,
    now: Timestamp,
) -> Result<Option<QuoteView>, ProjectionError> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM quotes WHERE quote_id = $1 AND team_id = $2 \
         AND (sent = 1 OR $3 = 0) AND (client_id = $4 OR $3 = 0)"
    )))
    .bind(quote.to_string())
    .bind(scope.team().to_string())
    .bind(i64::from(scope.is_client()))
    .bind(match scope {
        Scope::Client { client, .. } => client.to_string(),
        Scope::Team(_) => String::new(),
    })
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let lines: Vec<LineRow> = sqlx::query_as(
        "SELECT line_id, description, quantity, unit_price, tax_rate, optional, selected, net, \
         tax, total FROM quote_lines WHERE quote_id = $1 ORDER BY ord",
    )
    .bind(quote.to_string())
    .fetch_all(db.pool())
    .await?;
    let comment_rows: Vec<CommentRow> = sqlx::query_as(
        "SELECT line_id, author, text, at FROM quote_comments WHERE quote_id = $1 ORDER BY position",
    )
    .bind(quote.to_string())
    .fetch_all(db.pool())
    .await?;
    let mut comments: HashMap<String, Vec<Comment>> = HashMap::new();
    for c in comment_rows {
        comments.entry(c.line_id).or_default().push(Comment {
            author: c.author,
            text: c.text,
            at: rfc3339(c.at)?,
        });
    }
    let zone = team_zone(db, scope.team()).await?;
    let acceptance = match (&row.accepted_name, row.accepted_at, &row.accepted_ip) {
        (Some(name), Some(at), Some(ip)) => Some(Acceptance {
            name: name.clone(),
            accepted_at: timestamp(at)?.to_string(),
            ip: ip.clone(),
        }),
        _ => None,
    };
    Ok(Some(QuoteView {
        status: row.status_at(now, &zone)?,
        totals: row.totals()?,
        lines: lines
            .into_iter()
            .map(|l| Line {
                comments: comments.remove(&l.line_id).unwrap_or_default(),
                line_id: l.line_id,
                description: l.description,
                quantity: l.quantity,
                unit_price: l.unit_price,
                tax_rate: l.tax_rate,
                optional: l.optional != 0,
                selected: l.selected != 0,
                net: l.net,
                tax: l.tax,
                total: l.total,
            })
            .collect(),
        acceptance,
        quote_id: row.quote_id,
        client_id: row.client_id,
        title: row.title,
        currency: row.currency,
        revision: row.revision,
        expires_on: row.expires_on,
    }))
}
