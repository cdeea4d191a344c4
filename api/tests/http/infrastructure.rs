//! CSRF, trusted proxies, JSON errors, the OpenAPI document and metrics.

use crate::matrix::{PUBLIC, ROUTES, documented_path};
use crate::schema::{component, declares, operation};
use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

#[tokio::test]
async fn cookie_sessions_need_the_csrf_header_for_unsafe_requests() {
    let server = Server::start().await;
    server.signup("owner@sparks.test").await;
    let browser = browser();
    let login = browser
        .post(server.url("/api/v1/auth/staff/login"))
        .json(&credentials("owner@sparks.test", PASSWORD))
        .send()
        .await
        .expect("login");
    let cookies = set_cookies(&login);
    let session = cookie(&cookies, "cma_session=");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"));
    assert!(!session.contains("Secure"), "plain http is not Secure");
    assert!(!cookie(&cookies, "cma_csrf=").contains("HttpOnly"));
    let (_, body) = read(login).await;
    let csrf = text(&body["csrf_token"]);
    let list = || browser.get(server.url("/api/v1/clients")).send();
    let (status, _) = read(list().await.expect("list")).await;
    assert_eq!(status, StatusCode::OK, "safe requests need no header");
    let head = server.head().await;
    // A new client, created with this CSRF header (or none).
    let create = |csrf: Option<&str>| {
        let mut request = browser.post(server.url("/api/v1/clients"));
        if let Some(csrf) = csrf {
            request = request.header("X-CSRF-Token", csrf);
        }
        request.json(&json!({"name": "Ada", "emails": []})).send()
    };
    for refused in [None, Some("forged")] {
        let (status, body) = read(create(refused).await.expect("create")).await;
        assert_problem(status, &body, StatusCode::FORBIDDEN);
    }
    assert_eq!(server.head().await, head);
    let (status, body) = read(create(Some(&csrf)).await.expect("create")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let logout = browser.post(server.url("/api/v1/auth/logout"));
    let logout = logout.header("X-CSRF-Token", &csrf).send().await;
    let logout = logout.expect("logout");
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let cleared = set_cookies(&logout);
    for name in ["cma_session=;", "cma_csrf=;"] {
        assert!(
            cleared
                .iter()
                .any(|c| c.starts_with(name) && c.contains("Max-Age=0")),
            "logout clears {name} {cleared:?}"
        );
    }
    let (status, _) = read(list().await.expect("list")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// 100 failed logins, the `n`-th forwarded for `from(n)`: each is 401.
async fn hundred_failed_logins(server: &Server, from: impl Fn(usize) -> String) {
    for n in 0..100 {
        let status = failed_login(server, &from(n), n).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
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
    let server = Server::start_with(Options::default().behind_a_proxy()).await;
    hundred_failed_logins(&server, |_| "203.0.113.5".to_owned()).await;
    let status = failed_login(&server, "203.0.113.5", 100).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // A 429 says when to try again.
    let limited = server
        .http
        .post(server.url("/api/v1/auth/staff/login"))
        .header("X-Forwarded-For", "198.51.100.77, 203.0.113.5")
        .json(&json!({"email": "nobody@example.test", "password": "wrong password"}))
        .send()
        .await
        .expect("login");
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        header(limited.headers(), "retry-after")
            .parse::<u64>()
            .is_ok_and(|s| s > 0)
    );
    let other = failed_login(&server, "203.0.113.6", 101).await;
    let why = "another forwarded client is not limited";
    assert_eq!(other, StatusCode::UNAUTHORIZED, "{why}");
}

#[tokio::test]
async fn without_trusted_proxies_forwarded_for_is_ignored() {
    let server = Server::start().await;
    hundred_failed_logins(&server, |n| format!("203.0.113.{}", n % 250)).await;
    let status = failed_login(&server, "192.0.2.200", 100).await;
    let why = "every attempt counted against the socket's address";
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{why}");
}

#[tokio::test]
async fn json_routes_answer_415_and_400_as_problems() {
    let server = Server::start().await;
    let untyped = server.http.post(server.url("/api/v1/teams"));
    let untyped = untyped.body(r#"{"business_name": "B"}"#);
    let (status, body, content_type, _) = problem_of(untyped).await;
    assert_problem(status, &body, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(content_type, "application/problem+json");
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

/// A request's answer as a problem, with its `Content-Type` and `Allow` headers.
async fn problem_of(request: reqwest::RequestBuilder) -> (StatusCode, Value, String, String) {
    let response = request.send().await.expect("response");
    let content_type = header(response.headers(), "content-type");
    let allow = header(response.headers(), "allow");
    let (status, body) = read(response).await;
    (status, body, content_type, allow)
}

#[tokio::test]
async fn requests_the_router_or_an_extractor_refuses_answer_problems() {
    let server = Server::start().await;
    let staff = server.signup("owner@sparks.test").await;
    let cases = [
        (
            "no such route",
            server.http.get(server.url("/api/v1/nothing-here")),
            StatusCode::NOT_FOUND,
        ),
        (
            "a method the route does not take",
            server.http.delete(server.url("/api/v1/clients")),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "a query that does not parse",
            server
                .http
                .get(
                    server.url("/api/v1/diary?from=2026-12-01T00:00:00Z&from=2026-12-02T00:00:00Z"),
                )
                .bearer_auth(&staff.token),
            StatusCode::BAD_REQUEST,
        ),
        (
            "an X-Min-Position that is not a position",
            server
                .http
                .get(server.url("/api/v1/clients"))
                .bearer_auth(&staff.token)
                .header("X-Min-Position", "soon"),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (case, request, expected) in cases {
        let (status, body, content_type, allow) = problem_of(request).await;
        assert_problem(status, &body, expected);
        assert_eq!(content_type, "application/problem+json", "{case}");
        if expected == StatusCode::METHOD_NOT_ALLOWED {
            assert!(
                allow.contains("GET") && allow.contains("POST"),
                "{case}: {allow}"
            );
        }
    }
}

/// Every (method, path) the document describes.
fn documented_operations(spec: &Value) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            found.insert((method.to_uppercase(), path.clone()));
        }
    }
    found
}

/// Every `$ref` anywhere under `value`.
fn references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v.as_str()) {
                    ("$ref", Some(reference)) => found.push(reference.to_owned()),
                    _ => references(v, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, found)),
        _ => {}
    }
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
    // Exactly the routes the tests know: the public ones and the matrix's.
    let mut expected: BTreeSet<(String, String)> = PUBLIC
        .iter()
        .map(|(method, path)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    expected.extend(
        ROUTES
            .iter()
            .map(|r| (r.method.to_owned(), documented_path(r))),
    );
    assert_eq!(documented_operations(&spec), expected);
    // Every reference resolves.
    let mut refs = Vec::new();
    references(&spec, &mut refs);
    for reference in &refs {
        assert!(
            component(&spec, reference).is_some()
                || reference
                    .strip_prefix("#/components/")
                    .and_then(|r| r.split_once('/'))
                    .is_some_and(|(kind, name)| spec["components"][kind][name].is_object()),
            "unresolved {reference}"
        );
    }
    for (method, path) in documented_operations(&spec) {
        let op = operation(&spec, &method, &path);
        // Public routes say so (`security: []`); every other one names the
        // session schemes itself, not only through the document's default.
        let public = PUBLIC.contains(&(method.as_str(), path.as_str()));
        let expected = if public {
            json!([])
        } else {
            json!([{"bearer": []}, {"session_cookie": []}])
        };
        assert_eq!(op["security"], expected, "{method} {path}");
        for (status, answer) in op["responses"].as_object().expect("responses") {
            let content = &answer["content"];
            if status.starts_with('2') {
                if status == "202" || status == "204" {
                    assert!(content.is_null(), "{method} {path} {status} has a body");
                    continue;
                }
                let media = content.as_object().map(|c| c.len()).unwrap_or_default();
                // The certificate is HTML, or plain text with `?format=text`.
                let forms = if path.ends_with("/certificate") { 2 } else { 1 };
                assert_eq!(media, forms, "{method} {path} {status}: {content}");
                // A JSON answer is a named schema with its fields.
                if let Some(json) = content.get("application/json") {
                    let reference = json["schema"]["$ref"].as_str().unwrap_or_else(|| {
                        panic!("{method} {path} {status}: no schema reference: {json}")
                    });
                    if let Some(schema) = component(&spec, reference) {
                        assert!(
                            schema["properties"].is_object(),
                            "{method} {path} {status}: {reference} has no fields"
                        );
                    }
                }
            } else {
                // A problem, or a problem with more members (`allOf` it).
                let reference = content["application/problem+json"]["schema"]["$ref"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{method} {path} {status}: {content}"));
                let problem = "#/components/schemas/Problem";
                assert!(
                    reference == problem
                        || component(&spec, reference).is_some_and(|c| {
                            c["allOf"]
                                .as_array()
                                .is_some_and(|all| all.iter().any(|p| p["$ref"] == problem))
                        }),
                    "{method} {path} {status}: {reference} is not a problem"
                );
                assert!(
                    answer["description"]
                        .as_str()
                        .is_some_and(|d| !d.is_empty()),
                    "{method} {path} {status}"
                );
            }
        }
        // The path parameters are exactly the template's.
        let mut in_path: Vec<String> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .map(|p| format!("{{{}}}", text(&p["name"])))
            .collect();
        in_path.sort();
        let mut templated: Vec<String> = path
            .split('/')
            .filter(|segment| segment.starts_with('{'))
            .map(str::to_owned)
            .collect();
        templated.sort();
        assert_eq!(in_path, templated, "{method} {path}");
        // Every operation takes X-Min-Position, and declares the 400 it may cause.
        assert!(
            op["parameters"].as_array().is_some_and(|ps| ps
                .iter()
                .any(|p| p["$ref"] == "#/components/parameters/MinPosition")),
            "{method} {path}"
        );
        assert!(declares(op, 400), "{method} {path}");
    }
    // Every documented operation is served, and answers a request without a
    // session or body with a status it declares.
    for (method, path) in documented_operations(&spec) {
        let concrete = path
            .replace("{id}", "00000000-0000-0000-0000-000000000000")
            .replace("{line_id}", "00000000-0000-0000-0000-000000000000")
            .replace("{file_id}", "00000000-0000-0000-0000-000000000000");
        let response = server
            .http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
                server.url(&concrete),
            )
            .send()
            .await
            .expect("response");
        let status = response.status();
        assert!(
            declares(operation(&spec, &method, &path), status.as_u16()),
            "{method} {path} answered {status}, which it does not declare"
        );
    }
}

#[tokio::test]
async fn metrics_and_readiness_are_reported() {
    let server = Server::start().await;
    server.signup("owner@sparks.test").await;
    let response = server.page("/metrics").await;
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
