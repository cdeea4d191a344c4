//! Logins under bursts: the limits hold exactly, whatever the concurrency.

use crate::support::*;
use futures::future::join_all;
use reqwest::StatusCode;

/// The statuses of `n` parallel staff logins to `email` with `password`.
pub async fn parallel_logins(server: &Server, email: &str, password: &str, n: usize) -> Vec<u16> {
    let attempts = (0..n).map(|_| server.staff_login(email, password));
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
        let (status, body) = server.staff_login("often@ace.example", PASSWORD).await;
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
        let login = credentials(&long, "whatever it is");
        let (status, body) = server.post(path, None, login).await;
        assert_problem(status, &body, StatusCode::BAD_REQUEST);
    }
    let at_limit = format!("{}@ace.example", "a".repeat(254 - "@ace.example".len()));
    let (status, body) = server.staff_login(&at_limit, "whatever it is").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    // Nothing of the long address was kept: every bucket name is short.
    let db = server.records_db().await;
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
/// The fastest of five failed portal logins to each of `emails`, taken in
/// turns so that a busy moment of the machine slows both alike.
async fn fastest_portal_logins<const N: usize>(
    server: &Server,
    emails: [&str; N],
) -> [std::time::Duration; N] {
    let mut fastest = [std::time::Duration::MAX; N];
    for _ in 0..5 {
        for (email, fastest) in emails.iter().zip(&mut fastest) {
            let started = std::time::Instant::now();
            let (status, body) = server.portal_login_with(email, "not the password").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
            *fastest = (*fastest).min(started.elapsed());
        }
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
    let [unknown, invited] =
        fastest_portal_logins(&server, ["nobody@home.example", "pat@home.example"]).await;
    // Both run argon2 once; without it the invited answer is many times faster.
    assert!(
        invited * 2 > unknown,
        "invited without a password: {invited:?}, unknown address: {unknown:?}"
    );
}

/// A staff login to `email` with `password`, presenting `cookie` (a
/// `name=value` pair) if any: its status and the known-device cookie it sets.
async fn login_from(
    server: &Server,
    email: &str,
    password: &str,
    cookie: Option<&str>,
) -> (StatusCode, Option<String>) {
    let mut request = server
        .http
        .post(server.url("/api/v1/auth/staff/login"))
        .json(&credentials(email, password));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.expect("login");
    let device = set_cookies(&response)
        .into_iter()
        .find(|c| c.starts_with("cma_device="))
        .map(|c| c.split(';').next().expect("pair").to_owned());
    (response.status(), device)
}

#[tokio::test]
async fn a_known_device_is_not_locked_out_by_failures_from_elsewhere() {
    let server = Server::start().await;
    server.signup("owner@ace.example").await;
    server.signup("other@ace.example").await;
    let login = credentials("owner@ace.example", PASSWORD);
    let response = server.post_raw("/api/v1/auth/staff/login", &login).await;
    assert_eq!(response.status(), StatusCode::OK);
    let set = set_cookies(&response)
        .into_iter()
        .find(|c| c.starts_with("cma_device="))
        .expect("a known-device cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=7776000"] {
        assert!(set.contains(attribute), "{set}");
    }
    let device = set.split(';').next().expect("pair").to_owned();
    let (_, others) = login_from(&server, "other@ace.example", PASSWORD, None).await;
    let others = others.expect("the other account's device cookie");

    // An attacker uses up the account's failures.
    for _ in 0..10 {
        let (status, _) = login_from(&server, "owner@ace.example", "guess", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = login_from(&server, "owner@ace.example", PASSWORD, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "a fresh client");

    // Forged and tampered cookies are ignored: the account's limit applies.
    let value = device.trim_start_matches("cma_device=");
    let (id, mac) = value.split_once('.').expect("id.mac");
    let flipped = format!(
        "cma_device={id}.{}{}",
        if mac.starts_with('A') { "B" } else { "A" },
        &mac[1..]
    );
    let other_id = format!(
        "cma_device={}{}.{mac}",
        &id[..21],
        if id.ends_with('A') { "B" } else { "A" }
    );
    for forged in [
        "cma_device=AAAAAAAAAAAAAAAAAAAAAA.AAAA".to_owned(),
        flipped,
        other_id,
        others.clone(),
        format!("cma_device={id}"),
    ] {
        let (status, _) = login_from(&server, "owner@ace.example", PASSWORD, Some(&forged)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{forged}");
    }

    // The owner's browser, known from before, still gets in, and keeps its id.
    let (status, again) = login_from(&server, "owner@ace.example", PASSWORD, Some(&device)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again.as_deref(), Some(device.as_str()));

    // The known device has a limit of its own.
    for _ in 0..10 {
        let (status, _) = login_from(&server, "owner@ace.example", "typo", Some(&device)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = login_from(&server, "owner@ace.example", PASSWORD, Some(&device)).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the device's own failures"
    );
}

#[tokio::test]
async fn a_portal_login_sets_a_known_device_cookie_too() {
    let server = Server::start().await;
    server.staff_and_client("Pat", "pat@home.example").await;
    let login = |cookie: Option<String>, password: &'static str| {
        let mut request = server
            .http
            .post(server.url("/api/v1/auth/portal/login"))
            .json(&credentials("pat@home.example", password));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send()
    };
    let response = login(None, PASSWORD).await.expect("login");
    assert_eq!(response.status(), StatusCode::OK);
    let device = set_cookies(&response)
        .into_iter()
        .find(|c| c.starts_with("cma_device="))
        .expect("a known-device cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_owned();
    for _ in 0..10 {
        let status = login(None, "guess").await.expect("login").status();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let fresh = login(None, PASSWORD).await.expect("login").status();
    assert_eq!(fresh, StatusCode::TOO_MANY_REQUESTS);
    let known = login(Some(device), PASSWORD).await.expect("login").status();
    assert_eq!(known, StatusCode::OK);
}
