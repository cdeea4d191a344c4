//! Read-your-writes: a logged-in caller's request with `X-Min-Position: N`
//! waits (at most 5 s) until the read models have processed log position
//! N, then is answered; when they have not reached N by then, it is
//! answered 503 with `Retry-After` (problem type `.../not-caught-up`),
//! never with stale data. A position beyond the event log's head is
//! answered 409 at once (`.../position-beyond-head`): no wait can reach it.
//!
//! Only a request with a valid session waits: without one the header is
//! ignored, and the request is answered as ever (401 on a protected route)
//! without holding anything. The wait is woken by this process's
//! projector runners; with the projectors in another process it looks at
//! their checkpoints with one short query at a time.

use crate::app::AppState;
use crate::http::ApiError;
use crate::http::session::LoggedIn;
use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cma_projections::{MAX_WAIT, wait_for, wait_watching};

/// The read-your-writes header (header names are matched case-insensitively).
pub const MIN_POSITION: &str = "X-Min-Position";

pub async fn read_your_writes(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(value) = request.headers().get(MIN_POSITION).cloned() else {
        return next.run(request).await;
    };
    let (mut parts, body) = request.into_parts();
    let logged_in = LoggedIn::from_request_parts(&mut parts, &state)
        .await
        .is_ok();
    let request = Request::from_parts(parts, body);
    if !logged_in {
        return next.run(request).await;
    }
    let Some(position) = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    else {
        return ApiError::bad_request("X-Min-Position must be a log position (an integer)")
            .into_response();
    };
    match reached(&state, position).await {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

/// Waits for the read models to reach `position`, or says why not.
async fn reached(state: &AppState, position: u64) -> Result<(), ApiError> {
    let wait = async |timeout| match &state.projectors {
        Some(runners) => wait_watching(&state.read, runners, position, timeout).await,
        None => wait_for(&state.read, position, timeout).await,
    };
    // Reached already: the common case asks nothing of the event log.
    if wait(std::time::Duration::ZERO).await? {
        return Ok(());
    }
    let head = state.store.head().await?;
    if position > head {
        return Err(beyond_head(position, head));
    }
    if wait(MAX_WAIT).await? {
        Ok(())
    } else {
        Err(not_caught_up(position))
    }
}

/// The answer when the read models have not reached `position` in time.
pub fn not_caught_up(position: u64) -> ApiError {
    ApiError::new(
        crate::http::problem_types::NOT_CAUGHT_UP,
        format!(
            "the read models have not yet reached log position {position} (X-Min-Position); \
             nothing was read, try again after Retry-After seconds"
        ),
    )
}

/// The answer when `position` is beyond the last event in the log.
fn beyond_head(position: u64, head: u64) -> ApiError {
    ApiError::new(
        crate::http::problem_types::POSITION_BEYOND_HEAD,
        format!(
            "X-Min-Position {position} is beyond the event log's last position {head}; \
             send a position a command answered with"
        ),
    )
}
