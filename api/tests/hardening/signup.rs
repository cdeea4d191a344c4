//! Signup with one address from many requests at once: the address is
//! claimed by exactly one of them, and the signup limit bounds how many
//! addresses anyone can test.

use crate::support::*;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

fn signup_body(email: &str, i: usize) -> serde_json::Value {
    json!({
        "business_name": format!("Business {i}"),
        "owner_name": "Sam Sparks",
        "owner_email": email,
        "owner_password": format!("the password of signup {i}"),
    })
}

#[tokio::test]
async fn concurrent_signups_with_one_email_make_one_team() {
    let server = Server::start().await;
    let email = "race@ace.example";
    let attempts = (0..10).map(|i| server.post("/api/v1/teams", None, signup_body(email, i)));
    let answers = join_all(attempts).await;
    let created: Vec<usize> = answers
        .iter()
        .enumerate()
        .filter(|(_, (status, _))| *status == StatusCode::CREATED)
        .map(|(i, _)| i)
        .collect();
    let statuses: Vec<u16> = answers.iter().map(|(s, _)| s.as_u16()).collect();
    assert_eq!(created.len(), 1, "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        9,
        "{statuses:?}"
    );
    let winner = created[0];
    // The one team's owner logs in with the password of the signup that won.
    let (status, login) = server
        .post(
            "/api/v1/auth/staff/login",
            None,
            json!({"email": email, "password": format!("the password of signup {winner}")}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{login}");
    assert_eq!(login["team_id"], answers[winner].1["team_id"]);
    let loser = (winner + 1) % 10;
    let (status, _) = server
        .post(
            "/api/v1/auth/staff/login",
            None,
            json!({"email": email, "password": format!("the password of signup {loser}")}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The eleventh signup for the address in the window is refused unread.
    let (status, body) = server
        .post("/api/v1/teams", None, signup_body(email, 10))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
}

#[tokio::test]
async fn a_refused_signup_leaves_the_address_free() {
    let server = Server::start().await;
    let email = "again@ace.example";
    // Refused before anything is recorded (no such time zone): the claim is given back.
    let mut body = signup_body(email, 0);
    body["time_zone"] = json!("Mars/Olympus_Mons");
    let (status, answer) = server.post("/api/v1/teams", None, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    server.signup(email).await;
    let (status, _) = server
        .post("/api/v1/teams", None, signup_body(email, 1))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}
