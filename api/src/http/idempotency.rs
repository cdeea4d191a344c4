//! `Idempotency-Key` on POST commands (docs/security.md, "Retried commands").
//!
//! A logged-in caller's POST that carries the header is run at most once per
//! caller and key: the first answer (status, `Content-Type` and body) is kept
//! among the API's records for at least [`KEPT_SECONDS`], and the same key with
//! the same method, path and body is answered with it again (with
//! `Idempotent-Replayed: true`) without running the command. The same key
//! with another request is 422 (`.../idempotency-key-reused`); while the
//! first request is still running, 409 (`.../idempotency-key-in-use`).
//! A 5xx answer is not kept (nothing was done, or it is not known): the key
//! is released so that the retry runs. The answer is kept without holding
//! up the response ([`cma_projections::Records::execute_soon`]): any later
//! request's claim runs after it.
//!
//! The events a keyed request appends get ids derived from the caller, key
//! and request ([`DerivedIds`]), so the log itself says whether the request
//! landed: a claim left without an answer for [`CRASHED_AFTER_SECONDS`] (the
//! process died between the append and the answer) is settled from the log
//! by [`recovery`].

mod recovery;

use crate::app::{AppState, JSON_BODY_LIMIT};
use crate::http::ApiError;
use crate::http::session::LoggedIn;
use crate::http::upload::is_multipart;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cma_projections::ProjectionError;
use cma_store::DerivedIds;
use sha2::{Digest, Sha256};

/// The request header (matched case-insensitively).
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
/// Marks an answer that is the replay of the first one.
pub const REPLAYED: &str = "Idempotent-Replayed";
/// How long a key and its answer are kept.
pub const KEPT_SECONDS: i64 = 24 * 60 * 60;
/// Longest key accepted.
pub const MAX_KEY_LEN: usize = 255;
/// Age of an unanswered claim after which its request is taken to have died
/// with its process (no request runs this long), and a retry settles it.
pub const CRASHED_AFTER_SECONDS: i64 = 60;

/// What a claim on a key found.
enum Claim {
    /// The key is this request's: run it.
    Mine,
    /// The first answer, to replay.
    Answered {
        status: u16,
        content_type: Option<String>,
        body: String,
    },
    /// Another request under the same key.
    Different,
    /// The first request has not answered yet; it claimed the key at
    /// `claimed_at` (Unix microseconds).
    Running { claimed_at: i64 },
}

pub async fn idempotent(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(value) = request.headers().get(IDEMPOTENCY_KEY) else {
        return next.run(request).await;
    };
    let Some(key) = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= MAX_KEY_LEN)
        .map(str::to_owned)
    else {
        return ApiError::bad_request(format!(
            "Idempotency-Key must be 1 to {MAX_KEY_LEN} visible ASCII characters, \
             e.g. a UUID"
        ))
        .into_response();
    };
    let (mut parts, body) = request.into_parts();
    // Keys are kept per caller; a request without a valid session has no
    // caller to keep them for and is run as it is (it is answered 401/403).
    let caller = match LoggedIn::from_request_parts(&mut parts, &state).await {
        Ok(logged_in) => {
            let principal = logged_in.session.principal;
            format!("{}:{}", principal.kind().as_str(), principal.id())
        }
        Err(_) => return next.run(Request::from_parts(parts, body)).await,
    };
    // Uploads stream to the content store and are not buffered here.
    if is_multipart(&parts.headers) {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let bytes = match axum::body::to_bytes(body, JSON_BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return ApiError::new(
                crate::http::problem_types::TOO_LARGE,
                "the request body is too large",
            )
            .into_response();
        }
    };
    let fingerprint = fingerprint(&parts.method, &parts.uri, &bytes);
    let ids = DerivedIds::new(format!("{caller}\0{key}\0{fingerprint}").as_bytes());
    let claim = match claim(&state, &caller, &key, &fingerprint).await {
        Ok(Claim::Running { claimed_at }) => {
            recovery::settle(&state, &caller, &key, &ids, claimed_at).await
        }
        Ok(claim) => Ok(claim),
        Err(e) => Err(e),
    };
    let claim = match claim {
        Ok(claim) => claim,
        Err(e) => return e.into_response(),
    };
    match claim {
        Claim::Mine => {}
        Claim::Answered {
            status,
            content_type,
            body,
        } => return replay(status, content_type, body),
        Claim::Different => {
            return ApiError::new(
                crate::http::problem_types::IDEMPOTENCY_KEY_REUSED,
                "this Idempotency-Key was already used for another request (another \
                 method, path or body); send a new key for a new command",
            )
            .into_response();
        }
        Claim::Running { .. } => {
            return ApiError::new(
                crate::http::problem_types::IDEMPOTENCY_KEY_IN_USE,
                "the first request with this Idempotency-Key has not been answered yet; \
                 try again in a moment",
            )
            .into_response();
        }
    }
    parts.extensions.insert(ids);
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let (parts, body) = response.into_parts();
    let answered = axum::body::to_bytes(body, usize::MAX).await;
    let kept = match &answered {
        Ok(bytes) if !parts.status.is_server_error() => std::str::from_utf8(bytes).ok(),
        _ => None,
    };
    let recorded = match kept {
        Some(text) => {
            let content_type = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            record(&state, &caller, &key, parts.status, content_type, text).await
        }
        None => release(&state, &caller, &key).await,
    };
    if let Err(e) = recorded {
        tracing::warn!(error = %e, "could not keep the answer of an Idempotency-Key");
    }
    match answered {
        Ok(bytes) => Response::from_parts(parts, Body::from(bytes)),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

/// What makes two requests "the same": method, path and query, body.
fn fingerprint(method: &Method, uri: &axum::http::Uri, body: &Bytes) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_str().as_bytes());
    hash.update([0]);
    hash.update(
        uri.path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("")
            .as_bytes(),
    );
    hash.update([0]);
    hash.update(body);
    hex::encode(hash.finalize())
}

/// fingerprint, status, content_type, body, created_at.
type KeptRow = (String, Option<i64>, Option<String>, Option<String>, i64);

/// Takes the key for this request, or finds what holds it. Most claims
/// are one insert; a key's answer past [`KEPT_SECONDS`] is dropped and the
/// claim tried again.
async fn claim(
    state: &AppState,
    caller: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Claim, ApiError> {
    let records = &state.records;
    let now = state.clock.now();
    let inserted = records
        .execute(
            "INSERT INTO idempotency_keys (caller, idem_key, fingerprint, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (caller, idem_key) DO NOTHING",
            vec![
                caller.into(),
                key.into(),
                fingerprint.into(),
                now.as_micros().into(),
            ],
        )
        .await?;
    if inserted == 1 {
        return Ok(Claim::Mine);
    }
    let row: Option<KeptRow> = sqlx::query_as(
        "SELECT fingerprint, status, content_type, body, created_at FROM idempotency_keys \
         WHERE caller = $1 AND idem_key = $2",
    )
    .bind(caller)
    .bind(key)
    .fetch_optional(records.reads())
    .await?;
    let expired = now.plus_seconds(-KEPT_SECONDS).as_micros();
    Ok(match row {
        Some((_, _, _, _, created_at)) if created_at <= expired => {
            records
                .execute(
                    "DELETE FROM idempotency_keys \
                     WHERE caller = $1 AND idem_key = $2 AND created_at <= $3",
                    vec![caller.into(), key.into(), expired.into()],
                )
                .await?;
            Box::pin(claim(state, caller, key, fingerprint)).await?
        }
        // Released between the insert and the select: the retry may run.
        None => Box::pin(claim(state, caller, key, fingerprint)).await?,
        Some((kept, _, _, _, _)) if kept != fingerprint => Claim::Different,
        Some((_, Some(status), content_type, Some(body), _)) => Claim::Answered {
            status: u16::try_from(status).unwrap_or(500),
            content_type,
            body,
        },
        Some((_, _, _, _, claimed_at)) => Claim::Running { claimed_at },
    })
}

async fn record(
    state: &AppState,
    caller: &str,
    key: &str,
    status: StatusCode,
    content_type: Option<&str>,
    body: &str,
) -> Result<(), ProjectionError> {
    state
        .records
        .execute_soon(
            "UPDATE idempotency_keys SET status = $1, content_type = $2, body = $3 \
             WHERE caller = $4 AND idem_key = $5",
            vec![
                i64::from(status.as_u16()).into(),
                content_type.map(str::to_owned).into(),
                body.into(),
                caller.into(),
                key.into(),
            ],
        )
        .await?;
    Ok(())
}

async fn release(state: &AppState, caller: &str, key: &str) -> Result<(), ProjectionError> {
    state
        .records
        .execute_soon(
            "DELETE FROM idempotency_keys \
             WHERE caller = $1 AND idem_key = $2 AND status IS NULL",
            vec![caller.into(), key.into()],
        )
        .await?;
    Ok(())
}

fn replay(status: u16, content_type: Option<String>, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.remove(header::CONTENT_TYPE);
    if let Some(value) = content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}
