//! Request values shared by several route groups: instants, currencies, optional fields.

use crate::http::ApiError;
use cma_domain::Timestamp;
use cma_domain::money;
use serde::{Deserialize, Deserializer};

/// An RFC 3339 instant from a request (`2026-03-30T09:00:00+01:00`).
pub fn instant(field: &str, text: &str) -> Result<Timestamp, ApiError> {
    Timestamp::parse_rfc3339(text)
        .ok_or_else(|| ApiError::bad_request(format!("{field} must be an RFC 3339 instant")))
}

/// An ISO 4217 currency; an unknown code breaks a rule (422).
pub fn currency(code: &str) -> Result<money::Currency, ApiError> {
    money::Currency::from_code(code).ok_or_else(|| {
        ApiError::new(
            crate::http::problem_types::UNKNOWN_CURRENCY,
            format!("{code:?} is not an ISO 4217 currency code"),
        )
    })
}

/// For a field that may be absent (keep), `null` (clear) or a value (set).
pub fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
