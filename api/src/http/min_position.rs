//! Read-your-writes: a GET with `X-Min-Position: N` waits (at most 5 s)
//! until the read models have processed position N before answering.

use crate::app::AppState;
use crate::http::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use cma_projections::{MAX_WAIT, wait_for};

pub const HEADER: &str = "x-min-position";

/// Take this in a read handler (before anything else reads) to honour
/// `X-Min-Position`. After the wait the read answers with what the read
/// models hold, caught up or not.
#[derive(Debug, Clone, Copy)]
pub struct MinPosition(pub Option<u64>);

impl FromRequestParts<AppState> for MinPosition {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(HEADER) else {
            return Ok(MinPosition(None));
        };
        let position = value
            .to_str()
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .ok_or_else(|| {
                ApiError::bad_request("X-Min-Position must be a non-negative integer")
            })?;
        if !wait_for(&state.read, position, MAX_WAIT).await? {
            tracing::warn!(position, "read models did not reach the requested position in time");
        }
        Ok(MinPosition(Some(position)))
    }
}
