//! `/metrics` in Prometheus text: requests by route and status, latency,
//! appends, projector lag and the email outbox.

use crate::app::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

const REQUESTS: &str = "cma_http_requests_total";
const LATENCY: &str = "cma_http_request_duration_seconds";
const HEAD: &str = "cma_event_log_head_position";
const APPENDED: &str = "cma_events_appended_total";
const LAG: &str = "cma_projector_lag";

/// The process-wide recorder, installed on first use.
fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full(LATENCY.to_owned()),
                    &[
                        0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                    ],
                )
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            Some(handle)
        })
        .as_ref()
}

/// Counts and times every request by its route template and status.
pub async fn track(request: Request, next: Next) -> Response {
    handle();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(REQUESTS, "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(LATENCY, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The method as a label: the standard ones by name, any other as `other`,
/// so a client cannot create series at will.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Follows the event log's head: appends (by any process) since start.
pub fn watch_appends(state: &AppState) -> tokio::task::JoinHandle<()> {
    handle();
    let mut head = state.store.subscribe();
    tokio::spawn(async move {
        let mut seen = *head.borrow_and_update();
        metrics::gauge!(HEAD).set(seen as f64);
        // The series exists from the start, at 0.
        metrics::counter!(APPENDED).increment(0);
        while head.changed().await.is_ok() {
            let now = *head.borrow_and_update();
            metrics::counter!(APPENDED).increment(now.saturating_sub(seen));
            metrics::gauge!(HEAD).set(now as f64);
            seen = seen.max(now);
        }
    })
}

/// The Prometheus text exposition.
#[utoipa::path(get, path = "/metrics", tag = "service", security(()),
    responses((status = 200, description = "Prometheus text format 0.0.4",
        content_type = "text/plain; version=0.0.4", body = String)))]
pub async fn render(State(state): State<AppState>) -> Response {
    outbox(&state).await;
    if let Ok(lags) = cma_projections::lag(&state.read, state.store.as_ref()).await {
        for lag in lags {
            metrics::gauge!(LAG, "projector" => lag.projector).set(lag.lag as f64);
        }
    }
    let text = handle().map(PrometheusHandle::render).unwrap_or_default();
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// The states an outbox email is in.
const OUTBOX_STATES: [&str; 3] = ["pending", "sent", "failed"];

/// Email outbox counts by state: 0 for every state until the worker's
/// table exists and has emails in it.
async fn outbox(state: &AppState) {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, COUNT(*) FROM email_outbox GROUP BY state")
            .fetch_all(state.read.pool())
            .await
            .unwrap_or_default();
    for email_state in OUTBOX_STATES {
        let count = rows
            .iter()
            .find(|(s, _)| s == email_state)
            .map_or(0, |(_, count)| *count);
        metrics::gauge!("cma_email_outbox", "state" => email_state).set(count as f64);
    }
    for (email_state, count) in rows {
        if !OUTBOX_STATES.contains(&email_state.as_str()) {
            metrics::gauge!("cma_email_outbox", "state" => email_state).set(count as f64);
        }
    }
}
