//! Logins under bursts: the limits hold exactly, whatever the concurrency.

use crate::support::*;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

/// The statuses of `n` parallel staff logins to `email` with `password`.
pub async fn parallel_logins(server: &Server, email: &str, password: &str, n: usize) -> Vec<u16> {
    let attempts = (0..n).map(|_| {
        server.post(
            "/api/v1/auth/staff/login",
            None,
            json!({"email": email, "password": password}),
        )
    });
    join_all(attempts)
        .await
        .into_iter()
        .map(|(status, _)| status.as_u16())
        .collect()
}

fn tally(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

#[tokio::test]
async fn parallel_wrong_passwords_get_exactly_the_limit() {
    let server = Server::start().await;
    server.signup("burst@ace.example").await;
    let statuses = parallel_logins(&server, "burst@ace.example", "not the password", 60).await;
    assert_eq!(tally(&statuses, 401), 10, "{statuses:?}");
    assert_eq!(tally(&statuses, 429), 50, "{statuses:?}");
}

#[tokio::test]
async fn successful_logins_are_not_counted_as_failures() {
    let server = Server::start().await;
    server.signup("often@ace.example").await;
    for _ in 0..(2 * 10 + 1) {
        let (status, body) = server
            .post(
                "/api/v1/auth/staff/login",
                None,
                json!({"email": "often@ace.example", "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

#[tokio::test]
async fn an_email_over_254_bytes_is_refused_before_any_work() {
    let server = Server::start().await;
    let long = format!("{}@ace.example", "a".repeat(1024 * 512));
    for path in [
        "/api/v1/auth/staff/login",
        "/api/v1/auth/portal/login",
        "/api/v1/auth/portal/reset-request",
    ] {
        let (status, body) = server
            .post(
                path,
                None,
                json!({"email": long, "password": "whatever it is"}),
            )
            .await;
        assert_problem(status, &body, StatusCode::BAD_REQUEST);
    }
    let at_limit = format!("{}@ace.example", "a".repeat(254 - "@ace.example".len()));
    let (status, body) = server
        .post(
            "/api/v1/auth/staff/login",
            None,
            json!({"email": at_limit, "password": "whatever it is"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    // Nothing of the long address was kept: every bucket name is short.
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        server.data_dir().join("read.db").display()
    ))
    .await
    .expect("read db");
    let (longest,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(LENGTH(bucket)), 0) FROM auth_attempts")
            .fetch_one(&db)
            .await
            .expect("buckets");
    assert!(
        longest > 0 && longest < 100,
        "longest bucket name: {longest}"
    );
}

/// The fastest of three portal logins to `email`.
async fn fastest_portal_login(server: &Server, email: &str) -> std::time::Duration {
    let mut fastest = std::time::Duration::MAX;
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let (status, body) = server
            .post(
                "/api/v1/auth/portal/login",
                None,
                json!({"email": email, "password": "not the password"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        fastest = fastest.min(started.elapsed());
    }
    fastest
}

#[tokio::test]
async fn an_invited_client_without_a_password_takes_as_long_as_anyone() {
    let server = Server::start().await;
    let boss = server.signup("timing@ace.example").await;
    let client = server.client(&boss, "Pat", &["pat@home.example"]).await;
    server
        .invite(&boss, &client, "pat@home.example", all_sections())
        .await;
    let unknown = fastest_portal_login(&server, "nobody@home.example").await;
    let invited = fastest_portal_login(&server, "pat@home.example").await;
    // Both run argon2 once; without it the invited answer is many times faster.
    assert!(
        invited * 2 > unknown,
        "invited without a password: {invited:?}, unknown address: {unknown:?}"
    );
}
