//! The web pages' serving: shells for the apps' paths, the HTML not-found
//! page, static files with validators, and the headers every page carries.

use crate::support::{NOW, Server, header};
use reqwest::StatusCode;

fn assert_protected(response: &reqwest::Response) {
    let csp = header(response.headers(), "content-security-policy");
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "CSP {csp:?} lacks {directive}");
    }
    assert!(
        !csp.contains("unsafe-inline"),
        "CSP allows inline code: {csp}"
    );
    assert_eq!(
        header(response.headers(), "x-content-type-options"),
        "nosniff"
    );
    assert_eq!(header(response.headers(), "referrer-policy"), "same-origin");
}

#[tokio::test]
async fn each_app_path_gets_its_shell_and_unknown_paths_an_html_not_found() {
    let server = Server::start().await;
    for (path, script) in [
        ("/", "/assets/staff/main.js"),
        (
            "/clients/8f0e5b1c-0000-7000-8000-000000000000",
            "/assets/staff/main.js",
        ),
        ("/diary?week=2026-12-07", "/assets/staff/main.js"),
        ("/portal/", "/assets/portal/main.js"),
        ("/portal/set-password?token=abc", "/assets/portal/main.js"),
        ("/portal/quotes/anything", "/assets/portal/main.js"),
    ] {
        let response = server.page(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_protected(&response);
        assert_eq!(
            header(response.headers(), "content-type"),
            "text/html; charset=utf-8"
        );
        let body = response.text().await.expect("body");
        assert!(body.contains(script), "{path} should load {script}");
        assert!(!body.contains("<script>"), "{path} has an inline script");
    }

    let missing = server.page("/no-such-page").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_protected(&missing);
    assert!(
        missing
            .text()
            .await
            .expect("body")
            .contains("Page not found")
    );

    let api = server.page("/api/v1/no-such-route").await;
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        header(api.headers(), "content-type"),
        "application/problem+json"
    );
}

#[tokio::test]
async fn the_portal_without_its_slash_redirects_to_it() {
    let server = Server::start().await;
    let not_following = reqwest::redirect::Policy::none();
    let http = reqwest::Client::builder().redirect(not_following);
    let response = http
        .build()
        .expect("client")
        .get(server.url("/portal"))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(header(response.headers(), "location"), "/portal/");
}

#[tokio::test]
async fn static_files_carry_their_type_and_revalidate_by_etag() {
    let server = Server::start().await;
    let script = server.page("/assets/api.js").await;
    assert_eq!(script.status(), StatusCode::OK);
    assert_protected(&script);
    assert_eq!(
        header(script.headers(), "content-type"),
        "text/javascript; charset=utf-8"
    );
    let etag = header(script.headers(), "etag");
    assert!(etag.starts_with('"') && etag.len() > 10, "etag {etag:?}");

    let again = server
        .http
        .get(server.url("/assets/api.js"))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("response");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    let css = server.page("/assets/app.css").await;
    assert_eq!(
        header(css.headers(), "content-type"),
        "text/css; charset=utf-8"
    );

    let missing = server.page("/assets/nothing-here.js").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_answer_is_dated_by_the_server_clock() {
    let server = Server::start().await;
    let expected = jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&NOW.parse::<jiff::Timestamp>().expect("instant"))
        .expect("date");
    for path in ["/healthz", "/portal/", "/api/v1/portal/me"] {
        let response = server.page(path).await;
        let date = header(response.headers(), "date");
        // The clock starts at NOW and runs on: the same day, minutes later at most.
        assert_eq!(date[..16], expected[..16], "{path}: {date}");
    }
}
