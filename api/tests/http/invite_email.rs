//! The invite email, sent by the worker of the running server to a real
//! SMTP server: its link, taken from the received message, sets the
//! client's password over HTTP, once, and the client can then log in.

use crate::support::{Options, PASSWORD, Server, all_sections, assert_problem, text};
use cma_testkit::smtp::Smtp;
use reqwest::StatusCode;
use serde_json::json;

/// The decoded plain-text part of a received message.
fn plain_text(data: &[u8]) -> String {
    let mail = mailparse::parse_mail(data).expect("a parsable message");
    let mut parts = vec![&mail];
    while let Some(part) = parts.pop() {
        if part.ctype.mimetype == "text/plain" {
            return part.get_body().expect("a decodable body");
        }
        parts.extend(&part.subparts);
    }
    panic!("no plain-text part");
}

#[tokio::test]
async fn the_emailed_invite_link_sets_the_password_and_the_client_logs_in() {
    let smtp = Smtp::start();
    let server = Server::start_with(Options::default().smtp(smtp.url())).await;
    let staff = server.signup("owner@sparks.test").await;
    let client = server.client(&staff, "Ada", &["ada@example.test"]).await;
    let (status, body) = server
        .send_invite(&staff.token, &client, "ada@example.test", all_sections())
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let got = smtp.wait_for(1).await;
    assert_eq!(got.len(), 1, "one email: the invite");
    assert_eq!(got[0].to, ["ada@example.test"]);
    let body = plain_text(&got[0].data);
    let prefix = format!("{}/portal/set-password?token=", server.base);
    let link = body
        .split_whitespace()
        .find(|word| word.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no link starting {prefix} in:\n{body}"));
    let token = &link[prefix.len()..];

    let (status, set) = server.set_password(token, PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["client_id"], json!(client));
    let (status, me) = server
        .get_at("/api/v1/portal/me", &text(&set["token"]), &set["position"])
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["client_id"], json!(client));
    let (status, login) = server.portal_login("ada@example.test").await;
    assert_eq!(status, StatusCode::OK, "{login}");
    assert_eq!(login["client_id"], json!(client));

    // The link is spent.
    let (status, again) = server.set_password(token, "another password").await;
    assert_problem(status, &again, StatusCode::BAD_REQUEST);

    // Staff see the invite sent (recorded just after the server took it).
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let emails = loop {
        let (status, emails) = server.get("/api/v1/emails", Some(&staff.token)).await;
        assert_eq!(status, StatusCode::OK, "{emails}");
        if emails["emails"][0]["state"] == "sent" || tokio::time::Instant::now() > deadline {
            break emails;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let sent = &emails["emails"][0];
    assert_eq!(
        (&sent["kind"], &sent["to"], &sent["state"]),
        (
            &json!("portal_invite"),
            &json!("ada@example.test"),
            &json!("sent")
        ),
        "{emails}"
    );
}
