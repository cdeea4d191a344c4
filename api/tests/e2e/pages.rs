//! The pages the server answers before anyone signs in: the client
//! portal's and the staff app's login forms, and the not-found page. Each
//! is photographed at phone and desktop width and checked with axe-core.

use crate::harness::{Browser, Driver, Server, Viewport};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use serde_json::json;

/// The form a person logs in with: fields labelled Email and Password (of
/// the right types, for password managers) in one form with a submit
/// button.
async fn assert_login_form(browser: &Browser) {
    let email = browser.field("Email").await;
    let password = browser.field("Password").await;
    assert_eq!(
        email.attr("type").await.expect("type").as_deref(),
        Some("email")
    );
    assert_eq!(
        password.attr("type").await.expect("type").as_deref(),
        Some("password")
    );
    let shared = browser
        .execute(
            "const [email, password] = arguments; \
             const form = email.form; \
             return !!form && form === password.form \
               && !!form.querySelector('button[type=submit], button:not([type]), input[type=submit]');",
            vec![json!(email), json!(password)],
        )
        .await;
    assert_eq!(
        shared,
        json!(true),
        "Email and Password are not in one form with a submit button, at {}",
        browser.url().await
    );
}

#[tokio::test]
async fn the_client_portal_shows_its_login_form() {
    let server = Server::start().await;
    let driver = Driver::start().await;
    let mut browser = driver.browser(&server, Viewport::Phone).await;

    browser.goto("/portal/").await;
    assert_login_form(&browser).await;
    assert!(
        browser.path().await.starts_with("/portal/"),
        "the portal stays under /portal/: {}",
        browser.url().await
    );

    browser.screenshots("portal-login").await;
    browser.check_accessibility("the portal's login page").await;
    browser.set_viewport(Viewport::Desktop).await;
    browser.check_accessibility("the portal's login page").await;
    browser.close().await;
}

#[tokio::test]
async fn the_staff_app_shows_its_login_form() {
    let server = Server::start().await;
    let driver = Driver::start().await;
    let mut browser = driver.browser(&server, Viewport::Desktop).await;

    browser.goto("/login").await;
    assert_login_form(&browser).await;

    browser.screenshots("staff-login").await;
    browser.check_accessibility("the staff login page").await;
    browser.set_viewport(Viewport::Phone).await;
    browser.check_accessibility("the staff login page").await;
    browser.close().await;
}

#[tokio::test]
async fn an_unknown_page_is_an_html_not_found_page() {
    let server = Server::start().await;
    let driver = Driver::start().await;
    let mut browser = driver.browser(&server, Viewport::Phone).await;

    browser.goto("/no-such-page").await;
    browser.wait_for_heading("Page not found").await;
    browser.link("client portal").await;

    browser.screenshots("not-found").await;
    browser.check_accessibility("the not-found page").await;
    browser.close().await;
}

/// Every page, and the not-found page, carries a Content-Security-Policy;
/// unknown paths under /api/ stay JSON problems.
#[tokio::test]
async fn pages_carry_a_content_security_policy() {
    let server = Server::start().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    for (path, status) in [
        ("/", StatusCode::OK),
        ("/login", StatusCode::OK),
        ("/portal/", StatusCode::OK),
        ("/no-such-page", StatusCode::NOT_FOUND),
        ("/portal/no/such/page", StatusCode::OK),
    ] {
        let response = http
            .get(server.url(path))
            .send()
            .await
            .expect("the server answers");
        assert_eq!(response.status(), status, "GET {path}");
        let content_type = response.headers()[CONTENT_TYPE].to_str().unwrap_or("");
        assert!(
            content_type.starts_with("text/html"),
            "GET {path} is {content_type}"
        );
        let policy = response
            .headers()
            .get(CONTENT_SECURITY_POLICY)
            .unwrap_or_else(|| panic!("GET {path} has no Content-Security-Policy"))
            .to_str()
            .expect("a readable policy");
        for directive in ["default-src", "script-src", "frame-ancestors"] {
            assert!(
                policy.contains(directive),
                "GET {path}: the policy has no {directive}: {policy}"
            );
        }
        let scripts = policy
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src ") || d.starts_with("default-src "))
            .unwrap_or_default();
        assert!(
            !scripts.contains("'unsafe-inline'") && !scripts.contains("'unsafe-eval'"),
            "GET {path}: the policy allows inline or eval'd script: {policy}"
        );
        let body = response.text().await.expect("a body");
        assert!(
            body.to_ascii_lowercase().starts_with("<!doctype html>"),
            "GET {path} is not an HTML page:\n{body}"
        );
    }

    let response = http
        .get(server.url("/api/v1/no-such-route"))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        response.headers()[CONTENT_TYPE],
        "application/problem+json",
        "unknown API routes stay problems"
    );
}
