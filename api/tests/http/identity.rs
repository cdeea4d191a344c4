//! Signup, logins, links, logout, suspension (docs/product.md §3.6, §11).

use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A team whose client Ada (ada@example.test) is invited with every
/// section: the server, her client id and her link's token.
async fn ada_invited() -> (Server, String, String) {
    let server = Server::start().await;
    let (client, token) = server.invited_client("Ada", "ada@example.test").await;
    (server, client, token)
}

/// A team whose client Ada (ada@example.test) has set her password and
/// sees these sections.
async fn with_ada(sections: serde_json::Value) -> (Server, Staff, PortalClient) {
    let server = Server::start().await;
    let staff = server.signup("owner@sparks.test").await;
    let ada = server
        .portal_client(&staff, "Ada", "ada@example.test", sections)
        .await;
    (server, staff, ada)
}

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
    let logout = "/api/v1/auth/logout";
    let (status, _) = server
        .call(Method::POST, logout, Some(&staff.token), None)
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
        .staff_login("owner@sparks.test", "not the password")
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
    for _ in 0..10 {
        let (status, _) = server
            .staff_login("owner@sparks.test", "not the password")
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = server.staff_login("owner@sparks.test", PASSWORD).await;
    assert_problem(status, &body, StatusCode::TOO_MANY_REQUESTS);
    // Another account from the same address is not affected.
    server.signup("other@sparks.test").await;
}

#[tokio::test]
async fn an_invite_link_sets_the_password_once_and_logs_in() {
    let (server, client, token) = ada_invited().await;
    let (status, body) = server.set_password(&token, PASSWORD).await;
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
    let (status, body) = server.set_password(&token, "another password").await;
    assert_problem(status, &body, StatusCode::BAD_REQUEST);
    assert_eq!(server.head().await, head);
    let (status, body) = server.portal_login("ADA@example.test").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["client_id"], json!(client));
}

#[tokio::test]
async fn an_invite_link_expires_after_seven_days() {
    let (server, _, token) = ada_invited().await;
    let server = server.restart_at("2026-12-14T09:31:00Z").await;
    for token in [token.as_str(), "", "nonsense", "0123.abc"] {
        let (status, body) = server.set_password(token, PASSWORD).await;
        assert_problem(status, &body, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn a_reset_link_changes_the_password_and_ends_sessions() {
    let (server, _, ada) = with_ada(all_sections()).await;
    let (status, _) = server.reset_request("nobody@example.test").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let head = server.head().await;
    let (status, _) = server.reset_request("ada@example.test").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(server.head().await > head, "a reset link was issued");
    let token = server.link(&ada.client_id).await;
    let new_password = "a brand new password";
    let (status, body) = server.reset_password(&token, new_password).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server.get("/api/v1/portal/me", Some(&ada.token)).await;
    assert_problem(status, &body, StatusCode::UNAUTHORIZED);
    let (status, _) = server.portal_login("ada@example.test").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = server
        .portal_login_with("ada@example.test", new_password)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server.reset_password(&token, "yet another password").await;
    assert_problem(status, &body, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn suspension_ends_sessions_refuses_login_and_re_enabling_needs_a_fresh_login() {
    let (server, staff, ada) = with_ada(all_sections()).await;
    let enable = |enabled: bool| {
        let access = json!({"enabled": enabled});
        server.access(&staff.token, &ada.client_id, access)
    };
    let (status, body) = enable(false).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!server.portal_enabled(&ada.client_id).await);
    let (status, body) = server.get("/api/v1/portal/me", Some(&ada.token)).await;
    assert_problem(status, &body, StatusCode::UNAUTHORIZED);
    let (status, body) = server.portal_login(&ada.email).await;
    assert_problem(status, &body, StatusCode::FORBIDDEN);
    let (status, _) = enable(true).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = server.get("/api/v1/portal/me", Some(&ada.token)).await;
    assert_problem(status, &body, StatusCode::UNAUTHORIZED);
    let (status, body) = server.portal_login(&ada.email).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server
        .portal_message(&text(&body["token"]), "back again")
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn a_client_token_on_a_staff_route_and_back_is_403() {
    let (server, staff, ada) = with_ada(all_sections()).await;
    let (status, body) = server.get("/api/v1/clients", Some(&ada.token)).await;
    assert_problem(status, &body, StatusCode::FORBIDDEN);
    let (status, body) = server.get("/api/v1/portal/me", Some(&staff.token)).await;
    assert_problem(status, &body, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn every_login_sets_the_session_cookies_a_browser_then_uses() {
    let (server, _, link) = ada_invited().await;
    // Each login, and a read that answers 200 whatever the read models hold.
    let logins = [
        (
            "/api/v1/auth/staff/login",
            credentials("owner@sparks.test", PASSWORD),
            "/api/v1/clients",
        ),
        (
            "/api/v1/auth/portal/set-password",
            json!({"token": link, "password": PASSWORD}),
            "/api/v1/portal/meetings",
        ),
        (
            "/api/v1/auth/portal/login",
            credentials("ada@example.test", PASSWORD),
            "/api/v1/portal/meetings",
        ),
    ];
    for (path, body, read_path) in logins {
        let browser = browser();
        let response = browser
            .post(server.url(path))
            .json(&body)
            .send()
            .await
            .expect("login");
        let cookies = set_cookies(&response);
        let (status, answer) = read(response).await;
        assert_eq!(status, StatusCode::OK, "{path}: {answer}");
        let session = cookie(
            &cookies,
            &format!("cma_session={};", text(&answer["token"])),
        );
        assert!(session.contains("HttpOnly"), "{path}: {session}");
        cookie(
            &cookies,
            &format!("cma_csrf={};", text(&answer["csrf_token"])),
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
    let every_section = ["quotes", "invoices", "files", "meetings", "messages"];
    let (server, staff, ada) = with_ada(sections_without(&every_section)).await;
    let record = format!("/api/v1/clients/{}", ada.client_id);
    let head = json!(server.head().await);
    let (status, me) = server.get_at("/api/v1/portal/me", &ada.token, &head).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["notifications"], json!({"email": true}));
    let (_, body) = server.get_at(&record, &staff.token, &head).await;
    assert_eq!(body["portal"]["notifications_email"], json!(true));

    // Any client may choose, whatever sections are on.
    let (status, body) = server.notifications(&ada.token, json!(false)).await;
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
    let (status, _) = server.notifications(&ada.token, json!(false)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(server.head().await, head);

    // Malformed bodies are refused; staff cannot choose for the client.
    let (status, body) = server.notifications(&ada.token, json!("no")).await;
    assert_problem(status, &body, StatusCode::BAD_REQUEST);
    let (status, body) = server.notifications(&staff.token, json!(true)).await;
    assert_problem(status, &body, StatusCode::FORBIDDEN);

    let (status, body) = server.notifications(&ada.token, json!(true)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, me) = server
        .get_at("/api/v1/portal/me", &ada.token, &body["position"])
        .await;
    assert_eq!(me["notifications"], json!({"email": true}));
}
