//! Request bodies that arrive too slowly: a body must arrive in full within
//! `CMA_BODY_TIMEOUT_SECS` and never go quiet for longer than
//! `CMA_BODY_IDLE_TIMEOUT_SECS`, else the request is answered 408 and its
//! connection closed. (Header and idle-connection timeouts and the
//! connection limit are the server's: see [`crate::serve`].)

use crate::app::AppState;
use crate::http::ApiError;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};

/// The body's time limits.
#[derive(Clone, Copy, Debug)]
pub struct BodyTimeouts {
    pub total: Duration,
    pub idle: Duration,
}

impl BodyTimeouts {
    pub fn of(config: &crate::config::Config) -> Self {
        Self {
            total: Duration::from_secs_f64(config.body_timeout_secs),
            idle: Duration::from_secs_f64(config.body_idle_timeout_secs),
        }
    }
}

/// Middleware: times the request body; a handler that saw it time out
/// answers 408, whatever it made of the broken body.
pub async fn bound(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limits = BodyTimeouts::of(&state.config);
    let tripped = Arc::new(AtomicBool::new(false));
    let request = request.map(|body| {
        Body::new(TimedBody {
            inner: body,
            total: Box::pin(tokio::time::sleep(limits.total)),
            idle: Box::pin(tokio::time::sleep(limits.idle)),
            idle_for: limits.idle,
            tripped: tripped.clone(),
        })
    });
    let response = next.run(request).await;
    match tripped.load(Ordering::Acquire) {
        false => response,
        true => timed_out(),
    }
}

/// 408, and the connection is not kept: the rest of the body is not read.
fn timed_out() -> Response {
    let mut response = ApiError::new(
        crate::http::problem_types::REQUEST_TIMEOUT,
        "the request body arrived too slowly",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The body did not arrive in time.
#[derive(Debug)]
pub struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body arrived too slowly")
    }
}

impl std::error::Error for BodyTimedOut {}

struct TimedBody {
    inner: Body,
    total: Pin<Box<Sleep>>,
    idle: Pin<Box<Sleep>>,
    idle_for: Duration,
    tripped: Arc<AtomicBool>,
}

impl http_body::Body for TimedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            let deadline = Instant::now() + this.idle_for;
            this.idle.as_mut().reset(deadline);
            return Poll::Ready(frame);
        }
        if this.total.as_mut().poll(cx).is_ready() || this.idle.as_mut().poll(cx).is_ready() {
            this.tripped.store(true, Ordering::Release);
            return Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
