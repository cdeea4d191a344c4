//! `X-Min-Position` holds nothing for a caller without a session, refuses a
//! position the log has not reached at once, and a wait ends as soon as the
//! projectors have caught up.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

/// Well under the 5 s a wait may last.
const PROMPT: Duration = Duration::from_secs(1);

#[tokio::test]
async fn without_a_session_the_header_is_ignored_and_nothing_waits() {
    let server = Server::start().await;
    server.signup("owner@wait.example").await;
    let far = (server.head().await + 1_000_000).to_string();
    let requests = [
        // A protected route: 401 as ever.
        (
            server.http.get(server.url("/api/v1/clients")),
            StatusCode::UNAUTHORIZED,
        ),
        (
            server
                .http
                .get(server.url("/api/v1/clients"))
                .bearer_auth("not-a-session"),
            StatusCode::UNAUTHORIZED,
        ),
        // A public one: answered as without the header.
        (
            server.http.get(server.url("/api/v1/openapi.json")),
            StatusCode::OK,
        ),
    ];
    for (request, expected) in requests {
        let started = Instant::now();
        let response = request
            .header("X-Min-Position", &far)
            .send()
            .await
            .expect("response");
        assert_eq!(response.status(), expected);
        assert!(started.elapsed() < PROMPT, "took {:?}", started.elapsed());
    }
    // Even a malformed header is not looked at without a session.
    let response = server
        .http
        .get(server.url("/api/v1/clients"))
        .header("X-Min-Position", "soon")
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_position_beyond_the_head_is_a_409_at_once() {
    let server = Server::start().await;
    let staff = server.signup("owner@ahead.example").await;
    let head = server.head().await;
    let started = Instant::now();
    let (status, body) = server
        .get_at("/api/v1/clients", &staff.token, &json!(head + 1))
        .await;
    assert!(started.elapsed() < PROMPT, "took {:?}", started.elapsed());
    assert_problem(status, &body, StatusCode::CONFLICT);
    assert!(
        text(&body["type"]).ends_with("/position-beyond-head"),
        "{body}"
    );
    assert!(
        text(&body["detail"]).contains(&(head + 1).to_string()),
        "{body}"
    );
}

#[tokio::test]
async fn a_wait_ends_as_soon_as_the_projectors_have_caught_up() {
    let server = Server::start().await;
    let staff = server.signup("owner@soon.example").await;
    for n in 0..5 {
        let started = Instant::now();
        let (status, created) = server
            .post(
                "/api/v1/clients",
                Some(&staff.token),
                json!({"name": format!("Client {n}"), "emails": []}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let (status, body) = server
            .get_at(
                &format!("/api/v1/clients/{}", text(&created["client_id"])),
                &staff.token,
                &created["position"],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["name"], json!(format!("Client {n}")));
        assert!(started.elapsed() < PROMPT, "took {:?}", started.elapsed());
    }
}
