//! The quote view (`GET /quotes/{id}`, `GET /portal/quotes/{id}`) and the
//! quote lists (`GET /clients/{id}/quotes`, `GET /portal/quotes`).
//! Clients see a quote only once sent.

use super::{Scope, client_in_scope, team_zone, zone_named};
use crate::convert::{date, rfc3339, timestamp, totals};
use crate::db::ReadDb;
use crate::error::ProjectionError;
use cma_domain::Timestamp;
use cma_domain::ids::{ClientId, QuoteId};
use cma_domain::money::Totals;
use cma_domain::quote::QuoteStatus;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;
use std::sync::Arc;
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

/// The quote's own columns, of the table aliased `q`.
const COLUMNS: &str = "q.quote_id, q.client_id, q.title, q.currency, q.expires_on, q.revision, \
     q.status, q.subtotal, q.tax, q.total, q.accepted_name, q.accepted_at, q.accepted_ip, \
     q.created_at, q.sent_at";

impl Row {
    /// The recorded status, or `expired` once the expiry day has ended in
    /// the team's zone though the worker has not recorded it yet.
    fn status_at(&self, now: Timestamp, zone: &TimeZone) -> Result<String, ProjectionError> {
        let (recorded, expires_on) = self.recorded_status()?;
        Ok(recorded.at(expires_on, now, zone).as_str().to_owned())
    }

    /// The status as recorded, and the expiry day it gives way to.
    fn recorded_status(&self) -> Result<(QuoteStatus, Option<Date>), ProjectionError> {
        let recorded = QuoteStatus::parse(&self.status)
            .ok_or_else(|| ProjectionError::corrupt("quote status", &self.status))?;
        let expires_on = self.expires_on.as_deref().map(date).transpose()?;
        Ok((recorded, expires_on))
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
        "SELECT {COLUMNS} FROM quotes q WHERE q.team_id = $1 AND q.client_id = $2 \
         AND (q.sent = 1 OR $3 = 0) ORDER BY q.created_at DESC, q.quote_id DESC"
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

/// One row of the quote view's query: the quote (with the team's time
/// zone), joined with one of its lines and one of that line's comments,
/// when it has any.
#[derive(sqlx::FromRow)]
struct ViewRow {
    #[sqlx(flatten)]
    quote: Row,
    time_zone: Option<String>,
    line_id: Option<String>,
    description: Option<String>,
    quantity: Option<String>,
    unit_price: Option<String>,
    tax_rate: Option<String>,
    optional: Option<i64>,
    selected: Option<i64>,
    line_net: Option<String>,
    line_tax: Option<String>,
    line_total: Option<String>,
    author: Option<String>,
    text: Option<String>,
    at: Option<i64>,
}

impl ViewRow {
    /// The line this row carries, without comments; `None` for a quote
    /// without lines.
    fn line(&self) -> Option<Line> {
        Some(Line {
            line_id: self.line_id.clone()?,
            description: self.description.clone()?,
            quantity: self.quantity.clone()?,
            unit_price: self.unit_price.clone()?,
            tax_rate: self.tax_rate.clone()?,
            optional: self.optional? != 0,
            selected: self.selected? != 0,
            net: self.line_net.clone()?,
            tax: self.line_tax.clone()?,
            total: self.line_total.clone()?,
            comments: Vec::new(),
        })
    }

    /// The comment this row carries, if any.
    fn comment(&self) -> Result<Option<Comment>, ProjectionError> {
        match (&self.author, &self.text, self.at) {
            (Some(author), Some(text), Some(at)) => Ok(Some(Comment {
                author: author.clone(),
                text: text.clone(),
                at: rfc3339(at)?,
            })),
            _ => Ok(None),
        }
    }
}

/// One quote as its reader may see it; `None` when out of scope. Kept in
/// memory where this process's runners alone write its tables
/// (`crate::kept_views`).
pub async fn get(
    db: &ReadDb,
    scope: Scope,
    quote: QuoteId,
    now: Timestamp,
) -> Result<Option<QuoteView>, ProjectionError> {
    let stored = match db.kept_views() {
        None => from_tables(db, scope, quote).await?.map(Arc::new),
        Some(kept) => match kept.find(quote, scope) {
            Ok(view) => Some(view),
            Err(seen) => {
                let view = from_tables(db, scope, quote).await?.map(Arc::new);
                if let Some(view) = &view {
                    kept.keep(quote, scope, view.clone(), seen);
                }
                view
            }
        },
    };
    Ok(stored.map(|view| view.at(now)))
}

/// The tables the quote view reads: a batch writing any of them may change
/// a kept view.
pub(crate) const VIEW_TABLES: &[&str] =
    &["quotes", "quote_lines", "quote_comments", "team_settings"];

/// A quote view as its tables hold it: its status as recorded, with what
/// turns it to `expired` when read.
#[derive(Debug)]
pub(crate) struct StoredView {
    view: QuoteView,
    recorded: QuoteStatus,
    expires_on: Option<Date>,
    zone: TimeZone,
}

impl StoredView {
    /// The view as read at `now`.
    fn at(&self, now: Timestamp) -> QuoteView {
        QuoteView {
            status: self
                .recorded
                .at(self.expires_on, now, &self.zone)
                .as_str()
                .to_owned(),
            ..self.view.clone()
        }
    }
}

/// One quote as its tables hold it, for `scope`. One query:
/// the quote, its lines in order and each line's comments in thread order.
async fn from_tables(
    db: &ReadDb,
    scope: Scope,
    quote: QuoteId,
) -> Result<Option<StoredView>, ProjectionError> {
    let rows: Vec<ViewRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS}, s.time_zone, l.line_id, l.description, l.quantity, \
         l.unit_price, l.tax_rate, l.optional, l.selected, l.net AS line_net, \
         l.tax AS line_tax, l.total AS line_total, c.author, c.text, c.at \
         FROM quotes q \
         LEFT JOIN team_settings s ON s.team_id = q.team_id \
         LEFT JOIN quote_lines l ON l.quote_id = q.quote_id \
         LEFT JOIN quote_comments c ON c.quote_id = q.quote_id AND c.line_id = l.line_id \
         WHERE q.quote_id = $1 AND q.team_id = $2 \
         AND (q.sent = 1 OR $3 = 0) AND (q.client_id = $4 OR $3 = 0) \
         ORDER BY l.ord, c.position"
    )))
    .bind(quote.to_string())
    .bind(scope.team().to_string())
    .bind(i64::from(scope.is_client()))
    .bind(match scope {
        Scope::Client { client, .. } => client.to_string(),
        Scope::Team(_) => String::new(),
    })
    .fetch_all(db.pool())
    .await?;
    let mut rows = rows.into_iter();
    let Some(first) = rows.next() else {
        return Ok(None);
    };
    let zone = zone_named(first.time_zone.as_deref());
    let mut lines: Vec<Line> = Vec::new();
    for r in std::iter::once(&first).chain(rows.as_slice()) {
        if lines.last().map(|l| &l.line_id) != r.line_id.as_ref()
            && let Some(line) = r.line()
        {
            lines.push(line);
        }
        if let (Some(comment), Some(line)) = (r.comment()?, lines.last_mut()) {
            line.comments.push(comment);
        }
    }
    let row = first.quote;
    let acceptance = match (&row.accepted_name, row.accepted_at, &row.accepted_ip) {
        (Some(name), Some(at), Some(ip)) => Some(Acceptance {
            name: name.clone(),
            accepted_at: timestamp(at)?.to_string(),
            ip: ip.clone(),
        }),
        _ => None,
    };
    let (recorded, expires_on) = row.recorded_status()?;
    let view = QuoteView {
        status: String::new(),
        totals: row.totals()?,
        lines,
        acceptance,
        quote_id: row.quote_id,
        client_id: row.client_id,
        title: row.title,
        currency: row.currency,
        revision: row.revision,
        expires_on: row.expires_on,
    };
    Ok(Some(StoredView {
        view,
        recorded,
        expires_on,
        zone,
    }))
}
