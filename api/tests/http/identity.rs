//! Signup, logins, links, logout, suspension (docs/product.md §3.6, §11).

use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn staff_sign_up_log_in_and_log_out() {
    let server = Server::start().await;
    let staff = server.signup("owner@sparks.test").await;
    let head = json!(server.head().await);
    let (status, settings) = server
        .get_at("/api/v1/team/settings", &staff.token, &head)
        .await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    assert_eq!(settings["business_name"], "Sparks & Sons");
    assert_eq!(
        settings["working_hours"]["mon"],
        json!([["09:00", "17:00"]])
    );
    let (status, _) = server
        .call(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&staff.token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = server.get("/api/v1/clients", Some(&staff.token)).await;
    assert_problem(status, &body, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_second_signup_with_the_same_email_is_a_conflict() {
    let server = Server::start().await;
    server.signup("owner@sparks.test").await;
    let (status, body) = server
        .post(
            "/api/v1/teams",
            None,
            json!({"business_name": "Other", "owner_name": "O", "owner_email": "OWNER@sparks.test", "owner_password": PASSWORD}),
        )
        .await;
    assert_problem(status, &body, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_wrong_password_is_401_and_a_short_one_cannot_be_chosen() {
    let server = Server::start().await;
    server.signup("owner@sparks.test").await;
    let (status, body) = server
        .post(
            "/api/v1/auth/staff/login",
            None,
            json!({"email": "owner@sparks.test", "password": "not the password"}),
        )
        .await;
    assert_problem(status, &body, StatusCode::UNAUTHORIZED);
    let (status, body) = server
        .post(
            "/api/v1/teams",
            None,
            json!({"business_name": "B", "owner_name": "O", "owner_email": "b@b.test", "owner_password": "short"}),
        )
        .await;
    assert_problem(status, &body, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn more_than_ten_failed_logins_for_one_account_are_rate_limited() {
    let server = Server::start().await;
    server.signup("owner@sparks.test").await;
    let wrong = json!({"email": "owner@sparks.test", "password": "not the password"});
    for _ in 0..10 {
        let (status, _) = server
            .post("/api/v1/auth/staff/login", None, wrong.clone())
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let right = json!({"email": "owner@sparks.test", "password": PASSWORD});
    let (status, body) = server.post("/api/v1/auth/staff/login", None, right).await;
    assert_problem(status, &body, StatusCode::TOO_MANY_REQUESTS);
    // Another account from the same address is not affected.
    server.signup("other@sparks.test").await;
}

#[tokio::test]
async fn an_invite_link_sets_the_password_once_and_logs_in() {
    let server = Server::start().await;
    let staff = server.signup("owner@sparks.test").await;
    let client = server.client(&staff, "Ada", &["ada@example.test"]).await;
    let token = server
        .invite(&staff, &client, "ada@example.test", all_sections())
        .await;
    let (status, body) = server
        .post(
            "/api/v1/auth/portal/set-password",
            None,
            json!({"token": token, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["position"].is_u64() && body["token"].is_string());
    let (status, me) = server
        .get_at(
            "/api/v1/portal/me",
            &text(&body["token"]),
            &body["position"],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["client_id"], json!(client));
    let head = server.head().await;
    let (status, body) = server
        .post(
            "/api/v1/auth/portal/set-password",
            None,
            json!({"token": token, "password": "another password"}),
        )
        .await;
    assert_problem(status, &body, StatusCode::BAD_REQUEST);
    assert_eq!(server.head().await, head);
    let (status, body) = server
        .post(
            "/api/v1/auth/portal/login",
            None,
            json!({"email": "ADA@example.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["client_id"], json!(client));
}

#[tokio::test]
async fn an_invite_link_expires_after_seven_days() {
    let server = Server::start().await;
    let staff = server.signup("owner@sparks.test").await;
    let client = server.client(&staff, "Ada", &["ada@example.test"]).await;
    let token = server
        .invite(&staff, &client, "ada@example.test", all_sections())
        .await;
    let server = server.restart_at("2026-12-14T09:31:00Z").await;
    let (status, body) = server
        .post(
            "/api/v1/auth/portal/set-password",
            None,
            json!({"token": token, "password": PASSWORD}),
        )
        .await;
    assert_problem(status, &body, StatusCode::BAD_REQUEST);
    for garbage in ["", "nonsense", "0123.abc"] {
        let (status, body) = server
            .post(
                "/api/v1/auth/portal/set-password",
                None,
                json!({"token": garbage, "password": PASSWORD}),
            )
            .await;
        assert_problem(status, &body, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn a_reset_link_changes_the_password_and_ends_sessions() {
    let server = Server::start().await;
    let staff = server.signup("owner@sparks.test").await;
    let ada = server
        .portal_client(&staff, "Ada", "ada@example.test", all_sections())
        .await;
    let unknown = server
        .post(
            "/api/v1/auth/portal/reset-request",
            None,
            json!({"email": "nobody@example.test"}),
        )
        .await;
    assert_eq!(unknown.0, StatusCode::ACCEPTED);
    let head = server.head().await;
    let (status, _) = server
        .post(
            "/api/v1/auth/portal/reset-request",
            None,
            json!({"email": "ada@example.test"}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(server.head().await > head, "a reset link was issued");
    let token = server.link(&ada.client_id).await;
    let (status, body) = server
        .post(
            "/api/v1/auth/portal/reset",
            None,
            json!({"token": token, "password": "a brand new password"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server.get("/api/v1/portal/me", Some(&ada.token)).await;
    assert_problem(status, &body, StatusCode::UNAUTHORIZED);
    let (status, _) = server
        .post(
            "/api/v1/auth/portal/login",
            None,
            json!({"email": "ada@example.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = server
        .post(
            "/api/v1/auth/portal/login",
            None,
            json!({"email": "ada@example.test", "password": "a brand new password"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server
        .post(
            "/api/v1/auth/portal/reset",
            None,
            json!({"token": token, "password": "yet another password"}),
        )
        .await;
    assert_problem(status, &body, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn suspension_ends_sessions_refuses_login_and_re_enabling_needs_a_fresh_login() {
    let server = Server::start().await;
    let staff = server.signup("owner@sparks.test").await;
    let ada = server
        .portal_client(&staff, "Ada", "ada@example.test", all_sections())
        .await;
    let access = format!("/api/v1/clients/{}/portal/access", ada.client_id);
    let (status, body) = server
        .put(&access, Some(&staff.token), json!({"enabled": false}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!server.portal_enabled(&ada.client_id).await);
    let (status, body) = server.get("/api/v1/portal/me", Some(&ada.token)).await;
    assert_problem(status, &body, StatusCode::UNAUTHORIZED);
    let login = json!({"email": ada.email, "password": PASSWORD});
    let (status, body) = server
        .post("/api/v1/auth/portal/login", None, login.clone())
        .await;
    assert_problem(status, &body, StatusCode::FORBIDDEN);
    let (status, _) = server
        .put(&access, Some(&staff.token), json!({"enabled": true}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = server.get("/api/v1/portal/me", Some(&ada.token)).await;
    assert_problem(status, &body, StatusCode::UNAUTHORIZED);
    let (status, body) = server.post("/api/v1/auth/portal/login", None, login).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server
        .post(
            "/api/v1/portal/messages",
            Some(&text(&body["token"])),
            json!({"text": "back again"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn a_client_token_on_a_staff_route_and_back_is_403() {
    let server = Server::start().await;
    let staff = server.signup("owner@sparks.test").await;
    let ada = server
        .portal_client(&staff, "Ada", "ada@example.test", all_sections())
        .await;
    let (status, body) = server.get("/api/v1/clients", Some(&ada.token)).await;
    assert_problem(status, &body, StatusCode::FORBIDDEN);
    let (status, body) = server.get("/api/v1/portal/me", Some(&staff.token)).await;
    assert_problem(status, &body, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn every_login_sets_the_session_cookies_a_browser_then_uses() {
    let server = Server::start().await;
    let staff = server.signup("owner@sparks.test").await;
    let client = server.client(&staff, "Ada", &["ada@example.test"]).await;
    let link = server
        .invite(&staff, &client, "ada@example.test", all_sections())
        .await;
    // Each login, and a read that answers 200 whatever the read models hold.
    let logins = [
        (
            "/api/v1/auth/staff/login",
            json!({"email": "owner@sparks.test", "password": PASSWORD}),
            "/api/v1/clients",
        ),
        (
            "/api/v1/auth/portal/set-password",
            json!({"token": link, "password": PASSWORD}),
            "/api/v1/portal/meetings",
        ),
        (
            "/api/v1/auth/portal/login",
            json!({"email": "ada@example.test", "password": PASSWORD}),
            "/api/v1/portal/meetings",
        ),
    ];
    for (path, body, read_path) in logins {
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        let response = browser
            .post(server.url(path))
            .json(&body)
            .send()
            .await
            .expect("login");
        let cookies = set_cookies(&response);
        let (status, answer) = read(response).await;
        assert_eq!(status, StatusCode::OK, "{path}: {answer}");
        let session = cookies
            .iter()
            .find(|c| c.starts_with(&format!("cma_session={};", text(&answer["token"]))))
            .unwrap_or_else(|| panic!("{path}: no session cookie in {cookies:?}"));
        assert!(session.contains("HttpOnly"), "{path}: {session}");
        assert!(
            cookies
                .iter()
                .any(|c| c.starts_with(&format!("cma_csrf={};", text(&answer["csrf_token"])))),
            "{path}: {cookies:?}"
        );
        let (status, _) = read(
            browser
                .get(server.url(read_path))
                .send()
                .await
                .expect("read"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{path}: the cookie is a session");
    }
}

#[tokio::test]
async fn a_client_turns_portal_update_emails_off_and_staff_see_it() {
    let server = Server::start().await;
    let staff = server.signup("owner@sparks.test").await;
    let ada = server
        .portal_client(
            &staff,
            "Ada",
            "ada@example.test",
            sections_without(&["quotes", "invoices", "files", "meetings", "messages"]),
        )
        .await;
    let record = format!("/api/v1/clients/{}", ada.client_id);
    let head = json!(server.head().await);
    let (status, me) = server.get_at("/api/v1/portal/me", &ada.token, &head).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["notifications"], json!({"email": true}));
    let (_, body) = server.get_at(&record, &staff.token, &head).await;
    assert_eq!(body["portal"]["notifications_email"], json!(true));

    // Any client may choose, whatever sections are on.
    let (status, body) = server
        .put(
            "/api/v1/portal/notifications",
            Some(&ada.token),
            json!({"email": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let position = body["position"].clone();
    assert!(position.as_u64().is_some_and(|p| p > 0), "{body}");
    let (_, me) = server
        .get_at("/api/v1/portal/me", &ada.token, &position)
        .await;
    assert_eq!(me["notifications"], json!({"email": false}));
    let (_, body) = server.get_at(&record, &staff.token, &position).await;
    assert_eq!(
        body["portal"]["notifications_email"],
        json!(false),
        "{body}"
    );

    // The same choice again records nothing.
    let head = server.head().await;
    let (status, _) = server
        .put(
            "/api/v1/portal/notifications",
            Some(&ada.token),
            json!({"email": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(server.head().await, head);

    // Malformed bodies are refused; staff cannot choose for the client.
    let (status, body) = server
        .put(
            "/api/v1/portal/notifications",
            Some(&ada.token),
            json!({"email": "no"}),
        )
        .await;
    assert_problem(status, &body, StatusCode::BAD_REQUEST);
    let (status, body) = server
        .put(
            "/api/v1/portal/notifications",
            Some(&staff.token),
            json!({"email": true}),
        )
        .await;
    assert_problem(status, &body, StatusCode::FORBIDDEN);

    let (status, body) = server
        .put(
            "/api/v1/portal/notifications",
            Some(&ada.token),
            json!({"email": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, me) = server
        .get_at("/api/v1/portal/me", &ada.token, &body["position"])
        .await;
    assert_eq!(me["notifications"], json!({"email": true}));
}
