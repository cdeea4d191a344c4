//! The documented answers several routes share, named once for their
//! `#[utoipa::path]` `responses(...)` lists (the answers themselves are
//! [`ApiError`](crate::http::ApiError)s).

use std::collections::BTreeMap;
use utoipa::IntoResponses;
use utoipa::openapi::{RefOr, Response};

/// A staff route's refusals of a caller who is not logged in, or is a client.
pub enum StaffOnly {}

impl IntoResponses for StaffOnly {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        described([(401, "not logged in"), (403, "not staff")])
    }
}

/// A route on one client's record when the team has no such client.
pub enum NoSuchClient {}

impl IntoResponses for NoSuchClient {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        described([(404, "no such client in this team")])
    }
}

/// A login's refusals, staff and portal alike.
pub enum LoginRefusals {}

impl IntoResponses for LoginRefusals {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        described([
            (400, "malformed request"),
            (401, "wrong email or password"),
            (429, "too many failed attempts"),
        ])
    }
}

/// The refusals of a password set from an invite or reset link.
pub enum LinkRefusals {}

impl IntoResponses for LinkRefusals {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        described([
            (400, "unknown, used or expired link, or malformed request"),
            (422, "password too short or too long"),
            (429, "too many attempts"),
        ])
    }
}

/// Answers without a body, by status.
fn described<const N: usize>(answers: [(u16, &str); N]) -> BTreeMap<String, RefOr<Response>> {
    answers
        .into_iter()
        .map(|(status, description)| (status.to_string(), Response::new(description).into()))
        .collect()
}
