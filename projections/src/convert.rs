//! How values are kept in read-model columns and shown in responses.

use crate::error::ProjectionError;
use cma_domain::Timestamp;
use cma_domain::access::Author;
use cma_domain::money::Totals;
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::str::FromStr;
use uuid::Uuid;

pub fn id(uuid: Uuid) -> String {
    uuid.to_string()
}

/// An id read back from a column.
pub fn parse_id<T: FromStr>(raw: &str) -> Result<T, ProjectionError> {
    T::from_str(raw).map_err(|_| ProjectionError::corrupt("id", raw))
}

pub fn micros(at: Timestamp) -> i64 {
    at.as_micros()
}

pub fn timestamp(micros: i64) -> Result<Timestamp, ProjectionError> {
    Timestamp::from_micros(micros)
        .ok_or_else(|| ProjectionError::corrupt("instant", &micros.to_string()))
}

/// RFC 3339 in UTC, as responses show instants.
pub fn rfc3339(micros: i64) -> Result<String, ProjectionError> {
    Ok(timestamp(micros)?.to_string())
}

pub fn decimal(raw: &str) -> Result<Decimal, ProjectionError> {
    Decimal::from_str(raw).map_err(|_| ProjectionError::corrupt("decimal", raw))
}

/// Subtotal, tax and total read back from their columns.
pub fn totals(subtotal: &str, tax: &str, total: &str) -> Result<Totals, ProjectionError> {
    Ok(Totals {
        subtotal: decimal(subtotal)?,
        tax: decimal(tax)?,
        total: decimal(total)?,
    })
}

pub fn date(raw: &str) -> Result<Date, ProjectionError> {
    Date::from_str(raw).map_err(|_| ProjectionError::corrupt("date", raw))
}

/// `client` or `staff`, and the author's id.
pub fn author(author: Author) -> (&'static str, String) {
    match author {
        Author::Client(c) => ("client", id(c.0)),
        Author::Staff(s) => ("staff", id(s.0)),
    }
}

/// The author stored as (`client` | `staff`, id).
pub fn parse_author(kind: &str, raw_id: &str) -> Result<Author, ProjectionError> {
    match kind {
        "client" => Ok(Author::Client(parse_id(raw_id)?)),
        "staff" => Ok(Author::Staff(parse_id(raw_id)?)),
        other => Err(ProjectionError::corrupt("author", other)),
    }
}
