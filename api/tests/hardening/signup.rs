//! Signup with one address from many requests at once: the address is
//! claimed by exactly one of them, and the signup limit bounds how many
//! addresses anyone can test.

use crate::support::*;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

/// The owner's password of the `i`-th signup.
fn password_of(i: usize) -> String {
    format!("the password of signup {i}")
}

fn signup_body(email: &str, i: usize) -> serde_json::Value {
    json!({
        "business_name": format!("Business {i}"),
        "owner_name": "Sam Sparks",
        "owner_email": email,
        "owner_password": password_of(i),
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
    let (status, login) = server.staff_login(email, &password_of(winner)).await;
    assert_eq!(status, StatusCode::OK, "{login}");
    assert_eq!(login["team_id"], answers[winner].1["team_id"]);
    let loser = (winner + 1) % 10;
    let (status, _) = server.staff_login(email, &password_of(loser)).await;
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

/// A claim row as a signup leaves it when its process dies between claiming
/// the address and recording the team: no credentials, no team.
async fn leave_claim(server: &Server, email: &str, claimed_at: &str) {
    let db = server.records_db().await;
    let claimed_at = cma_domain::Timestamp::parse_rfc3339(claimed_at).expect("instant");
    sqlx::query(
        "INSERT INTO logins (principal_kind, email, principal_id, team_id, claimed_at) \
         VALUES ('staff', $1, $2, $3, $4)",
    )
    .bind(email)
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(claimed_at.as_micros())
    .execute(&db)
    .await
    .expect("claim");
    db.close().await;
}

#[tokio::test]
async fn a_claim_left_by_a_signup_that_died_is_taken_over_once_stale() {
    let server = Server::start().await;
    // Claimed 11 minutes before the server's clock, never completed.
    let email = "crashed@ace.example";
    leave_claim(&server, email, "2026-12-07T09:19:00Z").await;
    let (status, created) = server
        .post("/api/v1/teams", None, signup_body(email, 0))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, login) = server.staff_login(email, &password_of(0)).await;
    assert_eq!(status, StatusCode::OK, "{login}");
    assert_eq!(login["team_id"], created["team_id"]);
    // The completed signup's login is never taken over, however old.
    let later = server.restart_at("2026-12-08T09:30:00Z").await;
    let (status, _) = later
        .post("/api/v1/teams", None, signup_body(email, 1))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // A claim made a minute ago may still be a signup in progress: it holds.
    let email = "in-progress@ace.example";
    leave_claim(&later, email, "2026-12-08T09:29:00Z").await;
    let (status, _) = later
        .post("/api/v1/teams", None, signup_body(email, 2))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn concurrent_signups_take_over_a_stale_claim_once() {
    let server = Server::start().await;
    let email = "stale-race@ace.example";
    leave_claim(&server, email, "2026-12-07T08:30:00Z").await;
    let attempts = (0..8).map(|i| server.post("/api/v1/teams", None, signup_body(email, i)));
    let statuses: Vec<u16> = join_all(attempts)
        .await
        .iter()
        .map(|(s, _)| s.as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        7,
        "{statuses:?}"
    );
}
