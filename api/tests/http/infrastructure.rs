//! CSRF, trusted proxies, JSON errors, the OpenAPI document and metrics.

use crate::matrix::{ROUTES, documented_path};
use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn cookie_sessions_need_the_csrf_header_for_unsafe_requests() {
    let server = Server::start().await;
    server.signup("owner@sparks.test").await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let login = browser
        .post(server.url("/api/v1/auth/staff/login"))
        .json(&json!({"email": "owner@sparks.test", "password": PASSWORD}))
        .send()
        .await
        .expect("login");
    let cookies: Vec<String> = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("cma_session="))
        .expect("session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"));
    assert!(!session.contains("Secure"), "plain http is not Secure");
    let csrf_cookie = cookies
        .iter()
        .find(|c| c.starts_with("cma_csrf="))
        .expect("csrf cookie");
    assert!(!csrf_cookie.contains("HttpOnly"));
    let (_, body) = read(login).await;
    let csrf = text(&body["csrf_token"]);
    let (status, _) = read(
        browser
            .get(server.url("/api/v1/clients"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "safe requests need no header");
    let head = server.head().await;
    let new_client = json!({"name": "Ada", "emails": []});
    let (status, body) = read(
        browser
            .post(server.url("/api/v1/clients"))
            .json(&new_client)
            .send()
            .await
            .expect("create"),
    )
    .await;
    assert_problem(status, &body, StatusCode::FORBIDDEN);
    let (status, body) = read(
        browser
            .post(server.url("/api/v1/clients"))
            .header("X-CSRF-Token", "forged")
            .json(&new_client)
            .send()
            .await
            .expect("create"),
    )
    .await;
    assert_problem(status, &body, StatusCode::FORBIDDEN);
    assert_eq!(server.head().await, head);
    let (status, body) = read(
        browser
            .post(server.url("/api/v1/clients"))
            .header("X-CSRF-Token", &csrf)
            .json(&new_client)
            .send()
            .await
            .expect("create"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = read(
        browser
            .post(server.url("/api/v1/auth/logout"))
            .header("X-CSRF-Token", &csrf)
            .send()
            .await
            .expect("logout"),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = read(
        browser
            .get(server.url("/api/v1/clients"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn failed_login(server: &Server, from: &str, n: usize) -> StatusCode {
    let response = server
        .http
        .post(server.url("/api/v1/auth/staff/login"))
        .header("X-Forwarded-For", format!("198.51.100.77, {from}"))
        .json(&json!({"email": format!("nobody{n}@example.test"), "password": "wrong password"}))
        .send()
        .await
        .expect("login");
    response.status()
}

#[tokio::test]
async fn a_trusted_proxy_forwards_the_client_ip_for_rate_limits() {
    let server = Server::start_with(Options {
        trusted_proxies: Some("127.0.0.1".to_owned()),
        ..Options::default()
    })
    .await;
    for n in 0..100 {
        assert_eq!(
            failed_login(&server, "203.0.113.5", n).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        failed_login(&server, "203.0.113.5", 100).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        failed_login(&server, "203.0.113.6", 101).await,
        StatusCode::UNAUTHORIZED,
        "another forwarded client is not limited"
    );
}

#[tokio::test]
async fn without_trusted_proxies_forwarded_for_is_ignored() {
    let server = Server::start().await;
    for n in 0..100 {
        let from = format!("203.0.113.{}", n % 250);
        assert_eq!(
            failed_login(&server, &from, n).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        failed_login(&server, "192.0.2.200", 100).await,
        StatusCode::TOO_MANY_REQUESTS,
        "every attempt counted against the socket's address"
    );
}

#[tokio::test]
async fn json_routes_answer_415_and_400_as_problems() {
    let server = Server::start().await;
    let response = server
        .http
        .post(server.url("/api/v1/teams"))
        .body(r#"{"business_name": "B"}"#)
        .send()
        .await
        .expect("response");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (status, body) = read(response).await;
    assert_problem(status, &body, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    for malformed in [r#"{"business_name": "#, r#"{"business_name": 5}"#, "{}"] {
        let response = server
            .http
            .post(server.url("/api/v1/teams"))
            .header("content-type", "application/json")
            .body(malformed)
            .send()
            .await
            .expect("response");
        let (status, body) = read(response).await;
        assert_problem(status, &body, StatusCode::BAD_REQUEST);
    }
    let huge = format!(r#"{{"text": "{}"}}"#, "x".repeat(2 * 1024 * 1024));
    let response = server
        .http
        .post(server.url("/api/v1/auth/portal/reset-request"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let server = Server::start().await;
    let (status, spec) = server.get("/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        spec["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        spec["openapi"]
    );
    let paths = spec["paths"].as_object().expect("paths");
    for path in [
        "/api/v1/teams",
        "/api/v1/auth/staff/login",
        "/api/v1/auth/portal/set-password",
        "/api/v1/auth/portal/login",
        "/api/v1/auth/portal/reset-request",
        "/api/v1/auth/portal/reset",
    ] {
        assert!(!spec["paths"][path]["post"].is_null(), "{path}");
    }
    let mut documented = 0;
    for route in ROUTES {
        if !spec["paths"][&documented_path(route)][route.method.to_lowercase()].is_null() {
            documented += 1;
        }
    }
    assert_eq!(
        documented,
        ROUTES.len(),
        "every route of the contract is documented"
    );
    // Every documented operation is served: none answers the router's 404/405.
    for (path, item) in paths {
        for method in item
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            let concrete = path
                .replace("{id}", "00000000-0000-0000-0000-000000000000")
                .replace("{line_id}", "00000000-0000-0000-0000-000000000000")
                .replace("{file_id}", "00000000-0000-0000-0000-000000000000");
            let method =
                reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let response = server
                .http
                .request(method.clone(), server.url(&concrete))
                .send()
                .await
                .expect("response");
            assert_ne!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
        }
    }
}

#[tokio::test]
async fn metrics_and_readiness_are_reported() {
    let server = Server::start().await;
    server.signup("owner@sparks.test").await;
    let response = server
        .http
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("metrics");
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.expect("text");
    assert!(text.contains("cma_http_requests_total"), "{text}");
    assert!(text.contains(r#"route="/api/v1/teams""#), "{text}");
    assert!(
        text.contains("cma_http_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(text.contains("cma_projector_lag"), "{text}");
    let (status, ready) = server.get("/readyz", None).await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert!(ready["event_log_head"].as_u64().is_some_and(|h| h >= 2));
    assert!(
        ready["projectors"]
            .as_array()
            .is_some_and(|p| !p.is_empty()),
        "{ready}"
    );
}
