//! Read-your-writes: a request with `X-Min-Position: N` waits (at most 5 s)
//! until the read models have processed log position N, then is answered;
//! when they have not reached N by then, it is answered 503 with
//! `Retry-After` (problem type `.../not-caught-up`), never with stale data.

use crate::app::AppState;
use crate::http::ApiError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cma_projections::{MAX_WAIT, wait_for};

/// The read-your-writes header (header names are matched case-insensitively).
pub const MIN_POSITION: &str = "X-Min-Position";

pub async fn read_your_writes(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(value) = request.headers().get(MIN_POSITION) else {
        return next.run(request).await;
    };
    let Some(position) = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    else {
        return ApiError::bad_request("X-Min-Position must be a log position (an integer)")
            .into_response();
    };
    match wait_for(&state.read, position, MAX_WAIT).await {
        Ok(true) => next.run(request).await,
        Ok(false) => not_caught_up(position).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// The answer when the read models have not reached `position` in time.
pub fn not_caught_up(position: u64) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "not-caught-up",
        format!(
            "the read models have not yet reached log position {position} (X-Min-Position); \
             nothing was read, try again after Retry-After seconds"
        ),
    )
}
