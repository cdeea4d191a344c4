//! Cookies over https, and what readiness tells whom.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

/// A staff login to `email`: the response as it came, with its cookies.
async fn staff_login(server: &Server, email: &str) -> reqwest::Response {
    let login = credentials(email, PASSWORD);
    server.post_raw("/api/v1/auth/staff/login", &login).await
}

fn https() -> Options {
    Options {
        extra_args: vec!["--public-url".into(), "https://portal.ace.example".into()],
        ..Options::default()
    }
}

#[tokio::test]
async fn over_https_the_cookies_are_host_prefixed_and_secure() {
    let server = Server::start_with(https()).await;
    let boss = server.signup("cookies@ace.example").await;
    let response = staff_login(&server, "cookies@ace.example").await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookies = set_cookies(&response);
    let session = cookie(&cookies, "__Host-cma_session=");
    let csrf = cookie(&cookies, "__Host-cma_csrf=");
    let device = cookie(&cookies, "__Host-cma_device=");
    assert!(device.contains("HttpOnly"), "{device}");
    for cookie in [session, csrf, device] {
        assert!(cookie.contains("Secure"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
        assert!(!cookie.contains("Domain"), "{cookie}");
    }
    assert!(session.contains("HttpOnly"), "{session}");
    // The pages' script reads the CSRF cookie: never HttpOnly.
    assert!(!csrf.contains("HttpOnly"), "{csrf}");
    let token = session
        .trim_start_matches("__Host-cma_session=")
        .split(';')
        .next()
        .expect("value")
        .to_owned();
    let me = |name: &str| {
        server
            .http
            .get(server.url("/api/v1/team/settings"))
            .header("cookie", format!("{name}={token}"))
            .send()
    };
    assert_eq!(
        me("__Host-cma_session").await.expect("me").status(),
        StatusCode::OK
    );
    // An unprefixed cookie could have been set by another origin: not taken.
    assert_eq!(
        me("cma_session").await.expect("me").status(),
        StatusCode::UNAUTHORIZED
    );
    let _ = boss;
    // The web client reads either name.
    let script = server.page_text("/assets/api.js").await;
    assert!(
        script.contains("__Host-cma_csrf="),
        "api.js reads the prefixed cookie"
    );
}

#[tokio::test]
async fn over_http_the_cookies_keep_their_plain_names() {
    let server = Server::start().await;
    server.signup("plain@ace.example").await;
    let response = staff_login(&server, "plain@ace.example").await;
    let cookies = set_cookies(&response);
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("cma_session=") && !c.contains("Secure")),
        "{cookies:?}"
    );
    assert!(
        cookies.iter().any(|c| c.starts_with("cma_csrf=")),
        "{cookies:?}"
    );
}

#[tokio::test]
async fn readiness_names_the_failed_check_and_shows_its_error_only_to_staff() {
    let server = Server::start().await;
    let boss = server.signup("ready@ace.example").await;
    let files = server.data_dir().join("files");
    let _ = std::fs::remove_dir_all(&files);
    std::fs::write(&files, b"not a directory").expect("file");
    let (status, ready) = server.get("/readyz", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{ready}");
    assert_eq!(
        ready["problems"],
        json!(["file store unavailable"]),
        "{ready}"
    );
    let everything = ready.to_string();
    assert!(
        !everything.contains("not a directory") && !everything.contains("/tmp"),
        "an internal error shown to anyone: {everything}"
    );
    assert!(ready.get("details").is_none(), "{ready}");
    let (status, ready) = server.get("/readyz", Some(&boss.token)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{ready}");
    let details = ready["details"].to_string();
    assert!(details.contains("is not a directory"), "{ready}");
}
