//! SQLite under concurrent load: a busy database is never a 500.

use crate::support::*;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Connection;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_concurrent_commands_on_sqlite_get_no_500() {
    let server = Server::start().await;
    let boss = server.signup("busy@ace.example").await;
    let mut clients = Vec::new();
    for n in 0..8 {
        let email = format!("c{n}@home.example");
        clients.push(
            server
                .portal_client(&boss, &format!("Client {n}"), &email, all_sections())
                .await,
        );
    }
    let server = &server;
    let mut statuses = Vec::new();
    for round in 0..4 {
        let mut calls = Vec::new();
        for client in &clients {
            for k in 0..8 {
                let text = format!("round {round} message {k}");
                calls.push(Box::pin(async move {
                    let token = client.token.clone();
                    let (status, body) = match k % 4 {
                        // Portal commands, each appending and touching the session.
                        0 | 1 => {
                            server
                                .post(
                                    "/api/v1/portal/messages",
                                    Some(&token),
                                    json!({"text": text}),
                                )
                                .await
                        }
                        // A login writes a session and a rate-limit reservation.
                        2 => {
                            server
                                .post(
                                    "/api/v1/auth/portal/login",
                                    None,
                                    json!({"email": client.email, "password": PASSWORD}),
                                )
                                .await
                        }
                        // Reads of the read models the projector is writing.
                        _ => server.get("/api/v1/portal/messages", Some(&token)).await,
                    };
                    (status, body)
                })
                    as std::pin::Pin<
                        Box<dyn std::future::Future<Output = _> + Send + '_>,
                    >);
            }
        }
        for n in 0..8 {
            let boss = &boss;
            calls.push(Box::pin(async move {
                server
                    .post(
                        "/api/v1/clients",
                        Some(&boss.token),
                        json!({"name": format!("New {round} {n}"), "emails": []}),
                    )
                    .await
            }));
        }
        statuses.extend(join_all(calls).await);
    }
    let errors: Vec<_> = statuses
        .iter()
        .filter(|(status, _)| {
            status.is_server_error() && *status != StatusCode::SERVICE_UNAVAILABLE
        })
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    for (status, _) in &statuses {
        assert!(
            *status != StatusCode::INTERNAL_SERVER_ERROR,
            "a 500 under load"
        );
    }
    let served = statuses.iter().filter(|(s, _)| s.is_success()).count();
    assert!(served > statuses.len() / 2, "{statuses:?}");
}

/// Another process holds the write lock of the API's records longer than
/// the busy timeout: the requests that must write there (a login's session
/// and rate-limit rows) answer 503 with Retry-After, and work once it is free.
#[tokio::test]
async fn the_api_records_locked_past_the_busy_timeout_is_503() {
    let server = Server::start().await;
    server.signup("locked@ace.example").await;
    let mut lock = sqlx::SqliteConnection::connect(&format!(
        "sqlite://{}",
        server.data_dir().join("api.db").display()
    ))
    .await
    .expect("api records");
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut lock)
        .await
        .expect("lock");
    let login = json!({"email": "locked@ace.example", "password": PASSWORD});
    let response = server
        .http
        .post(server.url("/api/v1/auth/staff/login"))
        .json(&login)
        .send()
        .await
        .expect("login");
    let status = response.status();
    let retry_after = header(response.headers(), "retry-after");
    let (_, body) = read(response).await;
    assert_problem(status, &body, StatusCode::SERVICE_UNAVAILABLE);
    assert!(!retry_after.is_empty(), "no Retry-After");
    sqlx::query("ROLLBACK")
        .execute(&mut lock)
        .await
        .expect("unlock");
    let (status, body) = server.post("/api/v1/auth/staff/login", None, login).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
