//! Invite and reset links: setting a password ends the login's other
//! sessions, a re-pointed login shows in the acceptance evidence, and no
//! stranger can lock the owner's link out.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A POST from `ip` (the server trusts the loopback proxy's `X-Forwarded-For`).
async fn post_from(server: &Server, ip: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let response = server
        .http
        .post(server.url(path))
        .header("X-Forwarded-For", ip)
        .json(&body)
        .send()
        .await
        .expect("response");
    read(response).await
}

/// A token naming `client`'s login whose MAC is wrong.
fn forged(client: &str) -> String {
    format!("{}.{}", client.replace('-', ""), "A".repeat(43))
}

#[tokio::test]
async fn a_re_invite_used_elsewhere_logs_out_every_device_and_shows_in_the_evidence() {
    let server = Server::start().await;
    let (staff, ada) = server.staff_and_client("Ada", "ada@home.test").await;
    let (status, other_device) = server.portal_login("ada@home.test").await;
    assert_eq!(status, StatusCode::OK, "{other_device}");
    let other_device = text(&other_device["token"]);

    // Staff add an address and re-invite Ada there; the link is used.
    let emails = format!("/api/v1/clients/{}/emails", ada.client_id);
    let work = json!({"email": "ada@work.test"});
    let (status, body) = server.post(&emails, Some(&staff.token), work).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let link = server
        .invite(&staff, &ada.client_id, "ada@work.test", all_sections())
        .await;
    let (status, set) = server.set_password(&link, "a new password here").await;
    assert_eq!(status, StatusCode::OK, "{set}");
    let session = text(&set["token"]);

    for old in [&ada.token, &other_device] {
        let (status, body) = server.get("/api/v1/portal/me", Some(old)).await;
        assert_problem(status, &body, StatusCode::UNAUTHORIZED);
    }
    let (status, me) = server
        .get_at("/api/v1/portal/me", &session, &set["position"])
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");

    // The acceptance records the login it was made with.
    let rewire = json!({"title": "Rewire", "currency": "GBP", "lines": [
        {"description": "Labour", "quantity": "1", "unit_price": "100.00",
         "tax_rate": "20", "optional": false, "selected": true}]});
    let quote = server.sent_quote(&staff, &ada.client_id, rewire).await;
    let signed = json!({"name": "Ada", "signature": signature(), "revision": 1});
    let (status, body) = server.accept(&session, &quote, signed).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, audit) = server
        .get(&format!("/api/v1/audit/quotes/{quote}"), Some(&staff.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{audit}");
    let acceptance = &audit["acceptance"];
    assert_eq!(acceptance["login_email"], json!("ada@work.test"));
    let invite = text(&acceptance["login_invite"]);
    assert!(uuid::Uuid::parse_str(&invite).is_ok(), "{acceptance}");
    assert_eq!(audit["events"][2]["schema_version"], json!(2));

    let certificate = server.certificate_text(&staff, &quote).await;
    for expected in [
        "ada@work.test".to_owned(),
        format!("invite {invite}, which re-pointed the login from ada@home.test"),
    ] {
        assert!(
            certificate.contains(&expected),
            "{expected:?} in\n{certificate}"
        );
    }
}

/// 30 forged tokens for `client`'s login to `path` from one stranger: each 400.
async fn strangers_tokens(server: &Server, client: &str, path: &str) {
    for _ in 0..30 {
        let (status, body) = post_from(
            server,
            "203.0.113.5",
            path,
            json!({"token": forged(client), "password": "whatever it is"}),
        )
        .await;
        assert_problem(status, &body, StatusCode::BAD_REQUEST);
    }
}

/// A server behind a proxy where Ada is invited at ada@home.test: the
/// server, her client id and her link's token.
async fn invited_behind_a_proxy() -> (Server, String, String) {
    let server = Server::start_with(Options::default().behind_a_proxy()).await;
    let (client, link) = server.invited_client("Ada", "ada@home.test").await;
    (server, client, link)
}

#[tokio::test]
async fn a_strangers_bad_tokens_do_not_stop_the_owners_link() {
    let (server, client, link) = invited_behind_a_proxy().await;
    strangers_tokens(&server, &client, "/api/v1/auth/portal/set-password").await;
    let (status, body) = post_from(
        &server,
        "198.51.100.7",
        "/api/v1/auth/portal/set-password",
        json!({"token": link, "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The same for a reset link.
    let (status, _) = post_from(
        &server,
        "198.51.100.7",
        "/api/v1/auth/portal/reset-request",
        json!({"email": "ada@home.test"}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let reset = server.link(&client).await;
    strangers_tokens(&server, &client, "/api/v1/auth/portal/reset").await;
    let (status, body) = post_from(
        &server,
        "198.51.100.7",
        "/api/v1/auth/portal/reset",
        json!({"token": reset, "password": "a brand new password"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn bad_tokens_are_limited_per_source_and_a_valid_link_still_works_there() {
    let (server, client, link) = invited_behind_a_proxy().await;
    let bad = json!({"token": forged(&client), "password": "whatever it is"});
    let path = "/api/v1/auth/portal/set-password";
    for _ in 0..100 {
        let (status, body) = post_from(&server, "203.0.113.5", path, bad.clone()).await;
        assert_problem(status, &body, StatusCode::BAD_REQUEST);
    }
    let (status, body) = post_from(&server, "203.0.113.5", path, bad.clone()).await;
    assert_problem(status, &body, StatusCode::TOO_MANY_REQUESTS);
    let (status, body) = post_from(&server, "203.0.113.6", path, bad).await;
    assert_problem(status, &body, StatusCode::BAD_REQUEST);
    // A valid link is checked before anything is counted.
    let (status, body) = post_from(
        &server,
        "203.0.113.5",
        path,
        json!({"token": link, "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn reset_requests_from_strangers_cap_the_links_but_never_answer_429_for_the_address() {
    let server = Server::start_with(Options::default().behind_a_proxy()).await;
    let (_, ada) = server.staff_and_client("Ada", "ada@home.test").await;
    let mut links = Vec::new();
    for n in 0..20 {
        let (status, body) = post_from(
            &server,
            &format!("203.0.113.{n}"),
            "/api/v1/auth/portal/reset-request",
            json!({"email": "ada@home.test"}),
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let link = server.link(&ada.client_id).await;
        if links.last() != Some(&link) {
            links.push(link);
        }
    }
    assert_eq!(links.len(), 3, "three links per address in the window");
    // The last link emailed still works: later requests did not replace it.
    let (status, body) = post_from(
        &server,
        "198.51.100.7",
        "/api/v1/auth/portal/reset",
        json!({"token": links[2], "password": "a brand new password"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
