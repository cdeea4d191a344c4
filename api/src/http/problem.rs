//! Every error answer: RFC 9457 `application/problem+json`.

use super::problem_types::{self as types, ProblemType};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cma_domain::Refusal;
use cma_store::{ServiceError, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

/// An error answer with its status, a stable type and a readable detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    /// A short slug naming the problem, e.g. `slot-taken`; the `type` is
    /// `https://cma.example/problems/{slug}`. One of [`types::all`].
    pub slug: &'static str,
    pub detail: String,
}

/// An RFC 9457 problem: the body of every error answer.
#[derive(Serialize, ToSchema)]
pub struct Problem<'a> {
    /// `https://cma.example/problems/{slug}`, e.g. `.../slot-taken`: one
    /// of the types docs/api.md lists (Problem types).
    #[serde(rename = "type")]
    kind: String,
    /// The status code's reason phrase.
    title: &'a str,
    /// The HTTP status code.
    status: u16,
    /// What went wrong, for a person to read.
    detail: &'a str,
}

impl ApiError {
    /// An answer of one of the API's own problem types, with its status.
    pub fn new(problem: ProblemType, detail: impl Into<String>) -> Self {
        Self {
            status: problem.status,
            slug: problem.slug,
            detail: detail.into(),
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(types::BAD_REQUEST, detail)
    }

    pub fn unauthorized() -> Self {
        Self::new(types::NOT_LOGGED_IN, "log in to do this")
    }

    pub fn too_many_requests() -> Self {
        Self::new(
            types::RATE_LIMITED,
            "too many attempts; wait a few minutes and try again",
        )
    }

    /// The one answer for an unknown, used or expired invite or reset token.
    /// The one answer for an unknown, used, expired or misused link token
    /// (`invalid-token`, the domain's own refusal).
    pub fn invalid_link() -> Self {
        Self::refused(&cma_domain::credentials::CredentialsError::InvalidToken)
    }

    /// The answer for anything missing or outside the caller's scope.
    pub fn not_found() -> Self {
        Self::new(types::NOT_FOUND, "no such resource")
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(types::INTERNAL, "something went wrong on our side")
    }

    /// A refused domain command: its status by the kind of rule it broke,
    /// its type the rule's code (`already-accepted`, `slot-taken`).
    pub fn refused<E: Refusal>(e: &E) -> Self {
        let status = types::status_of(e.kind());
        if status == StatusCode::NOT_FOUND {
            return Self::not_found();
        }
        Self {
            status,
            slug: e.code(),
            detail: e.to_string(),
        }
    }
}

impl<E: Refusal> From<ServiceError<E>> for ApiError {
    fn from(e: ServiceError<E>) -> Self {
        match e {
            ServiceError::Refused(refusal) => Self::refused(&refusal),
            ServiceError::Contended(_) => Self::new(
                types::CONCURRENT_CHANGE,
                "someone else changed this at the same moment; try again",
            ),
            ServiceError::DuplicateEventId(id) => Self::new(
                types::DUPLICATE_EVENT_ID,
                format!("event {id} is already recorded: this command was already carried out"),
            ),
            ServiceError::Store(e) => Self::from(e),
            ServiceError::Decode(e) => Self::internal(e),
        }
    }
}

/// Seconds a client is told to wait before retrying a 503 (`Retry-After`).
pub const RETRY_AFTER_SECS: u32 = 5;

impl From<StoreError> for ApiError {
    /// The store out of reach or not writable (or shutting down) is a 503
    /// the client may retry; anything else is our fault.
    fn from(e: StoreError) -> Self {
        if e.is_transient() {
            tracing::warn!(error = %e, "event store unavailable");
            return Self::new(
                types::STORE_UNAVAILABLE,
                "the event store cannot take changes right now; nothing was saved, try again shortly",
            );
        }
        Self::internal(e)
    }
}

impl From<sqlx::Error> for ApiError {
    /// The read database out of reach (a terminated backend, a full
    /// server, a pool timing out) is a 503 like the store's; the rest is ours.
    fn from(e: sqlx::Error) -> Self {
        Self::from(StoreError::from(e))
    }
}

impl From<std::io::Error> for ApiError {
    /// Stored content out of reach for now (its database connection lost,
    /// a full or read-only disk) is a 503 like the store's; the rest is ours.
    fn from(e: std::io::Error) -> Self {
        use std::io::ErrorKind as Kind;
        match e.kind() {
            Kind::ConnectionAborted
            | Kind::ConnectionReset
            | Kind::NotConnected
            | Kind::BrokenPipe
            | Kind::TimedOut
            | Kind::StorageFull
            | Kind::QuotaExceeded
            | Kind::ReadOnlyFilesystem
            | Kind::ResourceBusy => Self::from(StoreError::from_backend(e, true)),
            _ => Self::internal(e),
        }
    }
}

impl From<cma_projections::ProjectionError> for ApiError {
    fn from(e: cma_projections::ProjectionError) -> Self {
        match e {
            cma_projections::ProjectionError::Db(e) => Self::from(e),
            // The projector's SQLite writer busy past its busy timeout.
            e if e.is_transient() => Self::from(StoreError::from_backend(e, true)),
            e => Self::internal(e),
        }
    }
}

impl ApiError {
    /// The body of this error's answer.
    pub fn problem(&self) -> Problem<'_> {
        Problem {
            kind: format!("{}{}", types::BASE, self.slug),
            title: self.status.canonical_reason().unwrap_or("Error"),
            status: self.status.as_u16(),
            detail: &self.detail,
        }
    }
}

/// An answer with `status` and `body`, a problem (possibly with extension
/// members beside its own), as `application/problem+json`.
pub fn problem_response(status: StatusCode, body: impl Serialize) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    add_status_headers(&mut response);
    response
}

impl IntoResponse for ApiError {
    /// Every 503 and 429 says when to try again, every 401 how to log in.
    fn into_response(self) -> Response {
        problem_response(self.status, self.problem())
    }
}

/// Seconds a rate-limited client is told to wait (`Retry-After` on 429).
pub const RATE_LIMIT_RETRY_AFTER_SECS: u32 = 60;

/// The scheme a 401 names in `WWW-Authenticate`.
pub const WWW_AUTHENTICATE: &str = r#"Bearer realm="cma""#;

/// `Retry-After` on a 503 or 429 and `WWW-Authenticate` on a 401, unless
/// the answer already has them.
pub fn add_status_headers(response: &mut Response) {
    let status = response.status();
    let headers = response.headers_mut();
    let (name, value) = match status {
        StatusCode::SERVICE_UNAVAILABLE => {
            (header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS))
        }
        StatusCode::TOO_MANY_REQUESTS => (
            header::RETRY_AFTER,
            HeaderValue::from(RATE_LIMIT_RETRY_AFTER_SECS),
        ),
        StatusCode::UNAUTHORIZED => (
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(WWW_AUTHENTICATE),
        ),
        _ => return,
    };
    headers.entry(name).or_insert(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn problems_are_rfc_9457_json() {
        let response = ApiError::refused(&cma_domain::diary::DiaryError::SlotTaken).into_response();
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(
            response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
        let bytes = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .expect("body");
        let json: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(json["status"], 409);
        assert_eq!(json["title"], "Conflict");
        assert_eq!(json["detail"], "the slot is taken");
        assert_eq!(json["type"], "https://cma.example/problems/slot-taken");
    }

    #[test]
    fn a_read_database_out_of_reach_is_a_503_and_a_bad_query_a_500() {
        let gone = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert_eq!(ApiError::from(gone).status, StatusCode::SERVICE_UNAVAILABLE);
        let lost = std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "backend terminated");
        assert_eq!(ApiError::from(lost).status, StatusCode::SERVICE_UNAVAILABLE);
        let broken = std::io::Error::other("bad bytes");
        assert_eq!(
            ApiError::from(broken).status,
            StatusCode::INTERNAL_SERVER_ERROR
        );
        let timed_out = cma_projections::ProjectionError::Db(sqlx::Error::PoolTimedOut);
        assert_eq!(
            ApiError::from(timed_out).status,
            StatusCode::SERVICE_UNAVAILABLE
        );
        let bad = sqlx::Error::ColumnNotFound("nope".into());
        assert_eq!(
            ApiError::from(bad).status,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[tokio::test]
    async fn an_unavailable_store_is_a_503_to_retry_later() {
        for error in [
            StoreError::Unavailable {
                reason: "database or disk is full".to_owned(),
                source: None,
            },
            StoreError::Closed,
        ] {
            let response = ApiError::from(error).into_response();
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(
                response
                    .headers()
                    .get(header::RETRY_AFTER)
                    .map(|v| v.as_bytes()),
                Some(&b"5"[..])
            );
            let bytes = axum::body::to_bytes(response.into_body(), 4096)
                .await
                .expect("body");
            let json: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
            assert_eq!(json["status"], 503);
            assert_eq!(
                json["type"],
                "https://cma.example/problems/store-unavailable"
            );
            assert!(
                json["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("try again"))
            );
        }
        let corrupt = StoreError::Corrupt {
            position: 7,
            reason: "malformed hash".to_owned(),
        };
        assert_eq!(
            ApiError::from(corrupt).status,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
