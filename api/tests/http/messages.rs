//! Read state per side (docs/product.md §7.2): each side marks the thread read with
//! `POST .../messages/read` (docs/api.md); a thread shows the reader's side's
//! unread count, the staff inbox the staff side's.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn post_ok(server: &Server, path: &str, token: &str, body: Value, expected: StatusCode) {
    let (status, answer) = server.post(path, Some(token), body).await;
    assert_eq!(status, expected, "{path}: {answer}");
}

/// Marks `thread` read (`body`: `{}` or `{up_to}`) as `token`'s side; its unread count then.
async fn mark_read(server: &Server, thread: &str, token: &str, body: Value) -> Value {
    post_ok(
        server,
        &format!("{thread}/read"),
        token,
        body,
        StatusCode::OK,
    )
    .await;
    server.fresh(thread, token).await.1["unread"].clone()
}

#[tokio::test]
async fn each_side_marks_the_thread_read_up_to_a_message_or_the_latest() {
    let server = Server::start().await;
    let (boss, rae) = server.staff_and_client("Rae", "rae@home.example").await;
    let portal = rae.token;
    let staff_thread = format!("/api/v1/clients/{}/messages", rae.client_id);
    let portal_thread = "/api/v1/portal/messages";

    // An empty thread has nothing to mark: the answer changes nothing.
    let head = server.head().await;
    assert_eq!(
        mark_read(&server, portal_thread, &portal, json!({})).await,
        0
    );
    assert_eq!(server.head().await, head);

    for text in ["One", "Two"] {
        let body = json!({"text": text});
        post_ok(
            &server,
            &staff_thread,
            &boss.token,
            body,
            StatusCode::CREATED,
        )
        .await;
    }
    let (_, thread) = server.fresh(portal_thread, &portal).await;
    assert_eq!(thread["unread"], 2, "{thread}");
    let first = json!({"up_to": thread["messages"][0]["message_id"]});
    assert_eq!(mark_read(&server, portal_thread, &portal, first).await, 1);
    assert_eq!(
        mark_read(&server, portal_thread, &portal, json!({})).await,
        0
    );
    let (_, thread) = server.fresh(&staff_thread, &boss.token).await;
    assert_eq!(thread["unread"], 0, "staff have no client message to read");

    // The client writes: the staff side's count moves, the client's does not.
    let body = json!({"text": "Three?"});
    post_ok(&server, portal_thread, &portal, body, StatusCode::CREATED).await;
    let (_, thread) = server.fresh(&staff_thread, &boss.token).await;
    assert_eq!(thread["unread"], 1);
    let (_, inbox) = server.fresh("/api/v1/inbox", &boss.token).await;
    assert_eq!(inbox["threads"][0]["unread"], 1);
    let (_, thread) = server.fresh(portal_thread, &portal).await;
    assert_eq!(thread["unread"], 0, "one's own message is not unread");
    assert_eq!(
        mark_read(&server, &staff_thread, &boss.token, json!({})).await,
        0
    );
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
