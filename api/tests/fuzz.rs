//! Property-based fuzzing of what the HTTP API reads, against the real
//! server (real SQLite files): arbitrary JSON values, JSON-shaped objects
//! with the fields each route expects, and arbitrary bytes posted to every
//! command route, and hostile multipart bodies posted to every upload
//! route. Every answer is a success or a 4xx RFC 9457 problem — never a
//! 5xx, a dropped connection or a panic.
//!
//! Few cases by default; more with `PROPTEST_CASES=100000 cargo test -p
//! cma-api --test fuzz` (docs/testing.md).

#[path = "http/support.rs"]
#[allow(dead_code)]
mod support;

#[path = "fuzz/bodies.rs"]
mod bodies;

#[path = "fuzz/multipart.rs"]
mod multipart;

use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::StatusCode;
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `cases` with proptest's configuration (`PROPTEST_CASES`), failing
/// the test with the smallest failing input.
fn run<S: proptest::strategy::Strategy>(
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    if let Err(e) = TestRunner::new(Config::default()).run(&strategy, test) {
        panic!("{e}");
    }
}

/// Panics anywhere in this process (the server runs in it) since the hook
/// was installed.
static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Counts every panic, then reports it as usual.
fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            report(info);
        }));
    });
}

/// The answer is a success, or a 4xx problem+json that says its status;
/// never a 5xx, and nothing in the server panicked. The status is
/// returned; `None` when the server closed the connection before the
/// request was sent whole (it may refuse a body before reading it).
async fn success_or_problem(
    what: &str,
    response: reqwest::Result<reqwest::Response>,
) -> Result<Option<StatusCode>, TestCaseError> {
    let panics = PANICS.load(Ordering::SeqCst);
    if panics > 0 {
        return Err(TestCaseError::fail(format!("{what}: {panics} panics")));
    }
    let Ok(response) = response else {
        return Ok(None);
    };
    let status = response.status();
    let content_type = support::header(response.headers(), "content-type");
    let body = response
        .bytes()
        .await
        .map_err(|e| TestCaseError::fail(format!("{what}: body cut short: {e}")))?;
    let text = String::from_utf8_lossy(&body);
    if status.is_server_error() {
        return Err(TestCaseError::fail(format!("{what}: {status} {text}")));
    }
    if status.is_client_error() {
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        if content_type != "application/problem+json"
            || problem["status"] != status.as_u16()
            || !problem["type"].is_string()
        {
            return Err(TestCaseError::fail(format!(
                "{what}: {status} is not a problem ({content_type}): {text}"
            )));
        }
    }
    Ok(Some(status))
}

/// A client that opens a connection per request, so no case meets a
/// connection an earlier answer closed.
fn unpooled() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("HTTP client")
}
