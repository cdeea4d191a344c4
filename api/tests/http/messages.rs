//! Read state per side (PRODUCT §7.2): each side marks the thread read with
//! `POST .../messages/read` (docs/api.md); a thread shows the reader's side's
//! unread count, the staff inbox the staff side's.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn post_ok(server: &Server, path: &str, token: &str, body: Value, expected: StatusCode) {
    let (status, answer) = server.post(path, Some(token), body).await;
    assert_eq!(status, expected, "{path}: {answer}");
}

#[tokio::test]
async fn each_side_marks_the_thread_read_up_to_a_message_or_the_latest() {
    let server = Server::start().await;
    let boss = server.signup("read@ace.example").await;
    let client = server.client(&boss, "Rae", &["rae@home.example"]).await;
    let portal = server
        .portal(&boss, &client, "rae@home.example", all_sections())
        .await;
    let staff_thread = format!("/api/v1/clients/{client}/messages");

    // An empty thread has nothing to mark: the answer changes nothing.
    let head = server.head().await;
    post_ok(
        &server,
        "/api/v1/portal/messages/read",
        &portal,
        json!({}),
        StatusCode::OK,
    )
    .await;
    assert_eq!(server.head().await, head);

    for text in ["One", "Two"] {
        post_ok(
            &server,
            &staff_thread,
            &boss.token,
            json!({"text": text}),
            StatusCode::CREATED,
        )
        .await;
    }
    let (_, thread) = server.fresh("/api/v1/portal/messages", &portal).await;
    assert_eq!(thread["unread"], 2, "{thread}");
    let first = text(&thread["messages"][0]["message_id"]);
    post_ok(
        &server,
        "/api/v1/portal/messages/read",
        &portal,
        json!({"up_to": first}),
        StatusCode::OK,
    )
    .await;
    let (_, thread) = server.fresh("/api/v1/portal/messages", &portal).await;
    assert_eq!(thread["unread"], 1, "read up to the first of two");
    post_ok(
        &server,
        "/api/v1/portal/messages/read",
        &portal,
        json!({}),
        StatusCode::OK,
    )
    .await;
    let (_, thread) = server.fresh("/api/v1/portal/messages", &portal).await;
    assert_eq!(thread["unread"], 0, "read up to the latest");
    let (_, thread) = server.fresh(&staff_thread, &boss.token).await;
    assert_eq!(thread["unread"], 0, "staff have no client message to read");

    // The client writes: the staff side's count moves, the client's does not.
    post_ok(
        &server,
        "/api/v1/portal/messages",
        &portal,
        json!({"text": "Three?"}),
        StatusCode::CREATED,
    )
    .await;
    let (_, thread) = server.fresh(&staff_thread, &boss.token).await;
    assert_eq!(thread["unread"], 1);
    let (_, inbox) = server.fresh("/api/v1/inbox", &boss.token).await;
    assert_eq!(inbox["threads"][0]["unread"], 1);
    let (_, thread) = server.fresh("/api/v1/portal/messages", &portal).await;
    assert_eq!(thread["unread"], 0, "one's own message is not unread");
    post_ok(
        &server,
        &format!("{staff_thread}/read"),
        &boss.token,
        json!({}),
        StatusCode::OK,
    )
    .await;
    let (_, thread) = server.fresh(&staff_thread, &boss.token).await;
    assert_eq!(thread["unread"], 0);
    let (_, inbox) = server.fresh("/api/v1/inbox", &boss.token).await;
    assert_eq!(inbox["threads"][0]["unread"], 0);

    // A message that is not in the thread is not found, and changes nothing.
    let head = server.head().await;
    let (status, body) = server
        .post(
            "/api/v1/portal/messages/read",
            Some(&portal),
            json!({"up_to": uuid::Uuid::new_v4()}),
        )
        .await;
    assert_problem(status, &body, StatusCode::NOT_FOUND);
    assert_eq!(server.head().await, head);
}
