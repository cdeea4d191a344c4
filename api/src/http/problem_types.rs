//! Every problem type the API answers with, in one place: the ones the API
//! names itself, listed here, and one per refused domain rule, its code
//! (`cma_domain::Refusal::code`, the variant's name in kebab case). A type is
//! `https://cma.example/problems/{slug}`; docs/api.md lists them all and
//! the OpenAPI document's `Problem.type` enumerates them (a test keeps the
//! three in step).

use axum::http::StatusCode;
use cma_domain::RefusalKind;
use std::collections::BTreeMap;

/// Where every problem type's URI starts.
pub const BASE: &str = "https://cma.example/problems/";

/// A problem the API names itself: its slug, status and meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemType {
    pub slug: &'static str,
    pub status: StatusCode,
    pub meaning: &'static str,
}

const fn of(slug: &'static str, status: StatusCode, meaning: &'static str) -> ProblemType {
    ProblemType {
        slug,
        status,
        meaning,
    }
}

pub const BAD_REQUEST: ProblemType = of(
    "bad-request",
    StatusCode::BAD_REQUEST,
    "malformed request: bad JSON, a wrong type or a missing field, an unparsable query",
);
pub const MALFORMED_ID: ProblemType = of(
    "malformed-id",
    StatusCode::BAD_REQUEST,
    "a path parameter is not a UUID",
);
pub const NOT_LOGGED_IN: ProblemType = of(
    "not-logged-in",
    StatusCode::UNAUTHORIZED,
    "no session, or it was revoked or has expired",
);
pub const WRONG_CREDENTIALS: ProblemType = of(
    "wrong-credentials",
    StatusCode::UNAUTHORIZED,
    "wrong email or password",
);
pub const FORBIDDEN: ProblemType = of(
    "forbidden",
    StatusCode::FORBIDDEN,
    "logged in but not allowed to do this",
);
pub const WRONG_ROLE: ProblemType = of(
    "wrong-role",
    StatusCode::FORBIDDEN,
    "a route for staff called by a client, or the other way round",
);
pub const CSRF: ProblemType = of(
    "csrf",
    StatusCode::FORBIDDEN,
    "a cookie session's unsafe request without the `X-CSRF-Token` header",
);
pub const PORTAL_SUSPENDED: ProblemType = of(
    "portal-suspended",
    StatusCode::FORBIDDEN,
    "the client's portal is suspended",
);
pub const NOT_FOUND: ProblemType = of(
    "not-found",
    StatusCode::NOT_FOUND,
    "no such resource, or outside the caller's scope",
);
pub const NOT_ACCEPTED: ProblemType = of(
    "not-accepted",
    StatusCode::NOT_FOUND,
    "the quote has no acceptance certificate: it was not accepted",
);
pub const METHOD_NOT_ALLOWED: ProblemType = of(
    "method-not-allowed",
    StatusCode::METHOD_NOT_ALLOWED,
    "the route does not take this method (see `Allow`)",
);
pub const REQUEST_TIMEOUT: ProblemType = of(
    "request-timeout",
    StatusCode::REQUEST_TIMEOUT,
    "the request body arrived too slowly",
);
pub const CONCURRENT_CHANGE: ProblemType = of(
    "concurrent-change",
    StatusCode::CONFLICT,
    "someone else changed the same thing at the same moment; try again",
);
pub const EMAIL_TAKEN: ProblemType = of(
    "email-taken",
    StatusCode::CONFLICT,
    "a signup with an address that already has a staff login",
);
pub const IDEMPOTENCY_KEY_IN_USE: ProblemType = of(
    "idempotency-key-in-use",
    StatusCode::CONFLICT,
    "the first request with this `Idempotency-Key` is still running",
);
pub const DUPLICATE_EVENT_ID: ProblemType = of(
    "duplicate-event-id",
    StatusCode::CONFLICT,
    "the command's events carry an event id the log already holds: it was already recorded",
);
pub const POSITION_BEYOND_HEAD: ProblemType = of(
    "position-beyond-head",
    StatusCode::CONFLICT,
    "`X-Min-Position` is beyond the event log's last position",
);
pub const TOO_LARGE: ProblemType = of(
    "too-large",
    StatusCode::PAYLOAD_TOO_LARGE,
    "the body or the uploaded file is too large",
);
pub const UNSUPPORTED_MEDIA_TYPE: ProblemType = of(
    "unsupported-media-type",
    StatusCode::UNSUPPORTED_MEDIA_TYPE,
    "a JSON route's body without `Content-Type: application/json`",
);
pub const NOT_MULTIPART: ProblemType = of(
    "not-multipart",
    StatusCode::UNSUPPORTED_MEDIA_TYPE,
    "an upload not sent as `multipart/form-data`",
);
pub const TYPE_REFUSED: ProblemType = of(
    "type-refused",
    StatusCode::UNSUPPORTED_MEDIA_TYPE,
    "an uploaded file of a type the route does not take",
);
pub const PASSWORD_TOO_SHORT: ProblemType = of(
    "password-too-short",
    StatusCode::UNPROCESSABLE_ENTITY,
    "a password shorter than the minimum",
);
pub const PASSWORD_TOO_LONG: ProblemType = of(
    "password-too-long",
    StatusCode::UNPROCESSABLE_ENTITY,
    "a password longer than the maximum",
);
pub const UNKNOWN_CURRENCY: ProblemType = of(
    "unknown-currency",
    StatusCode::UNPROCESSABLE_ENTITY,
    "not an ISO 4217 currency code",
);
pub const IDEMPOTENCY_KEY_REUSED: ProblemType = of(
    "idempotency-key-reused",
    StatusCode::UNPROCESSABLE_ENTITY,
    "the `Idempotency-Key` was already used for another request",
);
pub const RATE_LIMITED: ProblemType = of(
    "rate-limited",
    StatusCode::TOO_MANY_REQUESTS,
    "too many attempts; wait `Retry-After` seconds",
);
pub const INTERNAL: ProblemType = of(
    "internal",
    StatusCode::INTERNAL_SERVER_ERROR,
    "something went wrong on the server's side",
);
pub const NOT_CAUGHT_UP: ProblemType = of(
    "not-caught-up",
    StatusCode::SERVICE_UNAVAILABLE,
    "the read models have not reached `X-Min-Position` in time; try again",
);
pub const NOT_READY: ProblemType = of(
    "not-ready",
    StatusCode::SERVICE_UNAVAILABLE,
    "`/readyz`: a role of the process is not ready",
);
pub const STORE_UNAVAILABLE: ProblemType = of(
    "store-unavailable",
    StatusCode::SERVICE_UNAVAILABLE,
    "the event store cannot take changes now; nothing was saved, try again",
);

/// The problems the API names itself.
pub const OWN: &[ProblemType] = &[
    BAD_REQUEST,
    MALFORMED_ID,
    NOT_LOGGED_IN,
    WRONG_CREDENTIALS,
    FORBIDDEN,
    WRONG_ROLE,
    CSRF,
    PORTAL_SUSPENDED,
    NOT_FOUND,
    NOT_ACCEPTED,
    METHOD_NOT_ALLOWED,
    REQUEST_TIMEOUT,
    CONCURRENT_CHANGE,
    EMAIL_TAKEN,
    IDEMPOTENCY_KEY_IN_USE,
    DUPLICATE_EVENT_ID,
    POSITION_BEYOND_HEAD,
    TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    NOT_MULTIPART,
    TYPE_REFUSED,
    PASSWORD_TOO_SHORT,
    PASSWORD_TOO_LONG,
    UNKNOWN_CURRENCY,
    IDEMPOTENCY_KEY_REUSED,
    RATE_LIMITED,
    INTERNAL,
    NOT_CAUGHT_UP,
    NOT_READY,
    STORE_UNAVAILABLE,
];

/// The status a refused domain rule is answered with. A rule whose target
/// does not exist is answered as [`NOT_FOUND`], so existence is not told.
pub fn status_of(kind: RefusalKind) -> StatusCode {
    match kind {
        RefusalKind::BadRequest => StatusCode::BAD_REQUEST,
        RefusalKind::NotFound => StatusCode::NOT_FOUND,
        RefusalKind::Forbidden => StatusCode::FORBIDDEN,
        RefusalKind::Conflict => StatusCode::CONFLICT,
        RefusalKind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// Every problem type an answer can carry, by slug, with its status: the
/// API's own and each domain rule that is not answered as not found.
pub fn all() -> BTreeMap<&'static str, StatusCode> {
    let mut types: BTreeMap<&'static str, StatusCode> =
        OWN.iter().map(|t| (t.slug, t.status)).collect();
    for rule in cma_domain::refusals::all() {
        if rule.kind != RefusalKind::NotFound {
            types.insert(rule.code, status_of(rule.kind));
        }
    }
    types
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_has_one_status() {
        let mut own = std::collections::BTreeSet::new();
        for t in OWN {
            assert!(own.insert(t.slug), "{} is listed twice", t.slug);
        }
        for rule in cma_domain::refusals::all() {
            if rule.kind == RefusalKind::NotFound {
                continue;
            }
            if let Some(t) = OWN.iter().find(|t| t.slug == rule.code) {
                assert_eq!(
                    t.status,
                    status_of(rule.kind),
                    "{} of {} is also the API's own type with another status",
                    rule.code,
                    rule.error
                );
            }
        }
    }

    /// The rows docs/api.md's Problem types table should have, for the message.
    fn rows(types: &BTreeMap<String, u16>) -> String {
        types
            .iter()
            .map(|(slug, status)| format!("| `{slug}` | {status} |\n"))
            .collect()
    }

    #[test]
    fn docs_and_the_openapi_document_list_every_type() {
        let expected: BTreeMap<String, u16> = all()
            .into_iter()
            .map(|(slug, status)| (slug.to_owned(), status.as_u16()))
            .collect();
        let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/api.md"))
            .expect("docs/api.md");
        let section = docs
            .split("\n## Problem types\n")
            .nth(1)
            .expect("docs/api.md has a Problem types section");
        let section = section.split("\n## ").next().unwrap_or_default();
        let listed: BTreeMap<String, u16> = section
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let slug = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
                Some((slug.to_owned(), cells.get(2)?.parse().ok()?))
            })
            .collect();
        assert_eq!(
            listed,
            expected,
            "docs/api.md's Problem types should list exactly:\n{}",
            rows(&expected)
        );
        let enumerated: Vec<String> = crate::openapi::document()
            .pointer("/components/schemas/Problem/properties/type/enum")
            .and_then(serde_json::Value::as_array)
            .expect("Problem.type is an enum")
            .iter()
            .filter_map(|t| t.as_str()?.strip_prefix(BASE).map(str::to_owned))
            .collect();
        assert_eq!(
            enumerated,
            expected.into_keys().collect::<Vec<_>>(),
            "the document's Problem.type"
        );
    }
}
