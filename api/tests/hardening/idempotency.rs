//! Retried commands: `Idempotency-Key` on POST answers a retry with the
//! first answer instead of running the command again.

use crate::invoice::{invoice, view};
use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const KEY: &str = "Idempotency-Key";

async fn post_with_key(
    server: &Server,
    path: &str,
    token: &str,
    key: &str,
    body: Value,
) -> (StatusCode, Option<String>, Value) {
    let response = server
        .http
        .post(server.url(path))
        .bearer_auth(token)
        .header(KEY, key)
        .json(&body)
        .send()
        .await
        .expect("response");
    let replayed = response
        .headers()
        .get("Idempotent-Replayed")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (status, body) = read(response).await;
    (status, replayed, body)
}

/// A server at NOW, a new team's owner and an invoice of theirs: the
/// server, the owner, the invoice and the path its payments are posted to.
async fn an_invoice_to_pay(email: &str) -> (Server, Staff, String, String) {
    let server = Server::start_with(at(NOW)).await;
    let staff = server.signup(email).await;
    let invoice = invoice(&server, &staff).await;
    let path = format!("/api/v1/invoices/{invoice}/payments");
    (server, staff, invoice, path)
}

async fn payments(server: &Server, staff: &Staff, invoice: &str) -> usize {
    let view = view(server, staff, invoice).await;
    view["payments"].as_array().expect("payments").len()
}

#[tokio::test]
async fn a_retried_payment_is_recorded_once_and_answered_the_same() {
    let (server, staff, invoice, path) = an_invoice_to_pay("retry@ace.example").await;
    let payment = json!({"amount": "30.00", "paid_on": "2026-12-02"});

    let (status, replayed, first) =
        post_with_key(&server, &path, &staff.token, "pay-1", payment.clone()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(replayed, None);
    let (status, replayed, again) =
        post_with_key(&server, &path, &staff.token, "pay-1", payment.clone()).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(replayed.as_deref(), Some("true"));
    assert_eq!(again, first, "the first answer, replayed");
    assert_eq!(payments(&server, &staff, &invoice).await, 1);

    // The same key for another body: 422, nothing recorded.
    let (status, _, problem) = post_with_key(
        &server,
        &path,
        &staff.token,
        "pay-1",
        json!({"amount": "20.00", "paid_on": "2026-12-02"}),
    )
    .await;
    assert_problem(status, &problem, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text(&problem["type"]).ends_with("/idempotency-key-reused"),
        "{problem}"
    );
    // ... or for another path.
    let lee = json!({"name": "Lee", "emails": []});
    let (status, _, problem) = post_with_key(
        &server,
        "/api/v1/clients",
        &staff.token,
        "pay-1",
        lee.clone(),
    )
    .await;
    assert_problem(status, &problem, StatusCode::UNPROCESSABLE_ENTITY);

    // Without a key, or with a new one, a payment is a new payment.
    let (status, _) = server
        .post(&path, Some(&staff.token), payment.clone())
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, replayed, _) =
        post_with_key(&server, &path, &staff.token, "pay-2", payment.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(replayed, None);
    assert_eq!(payments(&server, &staff, &invoice).await, 3);

    // Keys are kept per caller: another login uses its own.
    let other = server.signup("other@ace.example").await;
    let (status, replayed, created) =
        post_with_key(&server, "/api/v1/clients", &other.token, "pay-1", lee).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(replayed, None);

    // Kept durably for 24 hours: across a restart, still replayed...
    let server = server.restart_at("2026-12-08T09:00:00Z").await;
    let (status, replayed, again) =
        post_with_key(&server, &path, &staff.token, "pay-1", payment.clone()).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(replayed.as_deref(), Some("true"));
    assert_eq!(again, first);
    // ... and after that forgotten: the key may name a new command.
    let server = server.restart_at("2026-12-08T10:00:00Z").await;
    let (status, replayed, _) = post_with_key(
        &server,
        &path,
        &staff.token,
        "pay-1",
        json!({"amount": "20.00", "paid_on": "2026-12-03"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(replayed, None);
}

#[tokio::test]
async fn a_refusal_is_replayed_and_a_bad_key_is_400() {
    let (server, staff, invoice, path) = an_invoice_to_pay("refused@ace.example").await;
    let too_much = json!({"amount": "5000.00", "paid_on": "2026-12-02"});
    let (status, _, first) =
        post_with_key(&server, &path, &staff.token, "big", too_much.clone()).await;
    assert!(status.is_client_error(), "{status} {first}");
    let (again_status, replayed, again) =
        post_with_key(&server, &path, &staff.token, "big", too_much).await;
    assert_eq!(again_status, status);
    assert_eq!(replayed.as_deref(), Some("true"));
    assert_eq!(again, first);

    for key in ["", &"k".repeat(256)] {
        let (status, _, problem) = post_with_key(
            &server,
            &path,
            &staff.token,
            key,
            json!({"amount": "1.00", "paid_on": "2026-12-02"}),
        )
        .await;
        assert_problem(status, &problem, StatusCode::BAD_REQUEST);
    }
    assert_eq!(payments(&server, &staff, &invoice).await, 0);
}

#[tokio::test]
async fn without_a_session_the_key_is_not_kept_and_the_web_client_sends_one() {
    let server = Server::start_with(at(NOW)).await;
    server.signup("anon@ace.example").await;
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let response = server
            .http
            .post(server.url("/api/v1/auth/staff/login"))
            .header(KEY, "login")
            .json(&credentials("anon@ace.example", PASSWORD))
            .send()
            .await
            .expect("login");
        assert!(response.headers().get("Idempotent-Replayed").is_none());
        let (status, body) = read(response).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        tokens.push(text(&body["token"]));
    }
    assert_ne!(tokens[0], tokens[1], "no answer is shared without a caller");
    let script = server.page_text("/assets/api.js").await;
    assert!(script.contains("'Idempotency-Key'] = crypto.randomUUID()"));
}

/// Puts the API's record of `key` back to what a crash between
/// the append and the stored answer leaves: the claim, aged past the time a
/// request can run, without an answer. The answer is written after the
/// response has gone (queued for the records' writer), so it is waited for
/// first: clearing it before it lands would be undone by its write.
async fn lose_the_answer(server: &Server, key: &str) {
    let records = server.records_db().await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let status: Option<i64> =
            sqlx::query_scalar("SELECT status FROM idempotency_keys WHERE idem_key = $1")
                .bind(key)
                .fetch_optional(&records)
                .await
                .expect("read the record")
                .flatten();
        if status.is_some() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the answer of {key} was not stored within 10 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let cleared = sqlx::query(
        "UPDATE idempotency_keys SET status = NULL, content_type = NULL, body = NULL, \
         created_at = created_at - 120000000 WHERE idem_key = $1",
    )
    .bind(key)
    .execute(&records)
    .await
    .expect("update")
    .rows_affected();
    assert_eq!(cleared, 1);
    records.close().await;
}

#[tokio::test]
async fn a_retry_after_a_crash_between_append_and_answer_is_answered_from_the_log() {
    let (server, staff, invoice, path) = an_invoice_to_pay("crash@ace.example").await;
    let payment = json!({"amount": "30.00", "paid_on": "2026-12-02"});

    // The route claims the key and appends the payment; the answer is lost.
    let (status, _, first) =
        post_with_key(&server, &path, &staff.token, "pay-crash", payment.clone()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    lose_the_answer(&server, "pay-crash").await;

    // The retry finds the payment's event in the log: the outcome, not a
    // second payment, and from then on that answer.
    for _ in 0..2 {
        let (status, replayed, again) =
            post_with_key(&server, &path, &staff.token, "pay-crash", payment.clone()).await;
        assert_eq!(status, StatusCode::OK, "{again}");
        assert_eq!(replayed.as_deref(), Some("true"));
        assert_eq!(again["position"], first["position"], "{again} {first}");
    }
    assert_eq!(payments(&server, &staff, &invoice).await, 1);

    // A command that crashed before its append left nothing in the log: the
    // retry takes the claim over and runs it (once).
    let nothing = json!({"amount": "0.00", "paid_on": "2026-12-02"});
    let (status, _, refused) =
        post_with_key(&server, &path, &staff.token, "pay-lost", nothing.clone()).await;
    assert!(status.is_client_error(), "{refused}");
    lose_the_answer(&server, "pay-lost").await;
    let (status, replayed, again) =
        post_with_key(&server, &path, &staff.token, "pay-lost", nothing).await;
    assert!(status.is_client_error(), "{again}");
    assert_eq!(replayed, None, "run again, not replayed");
    assert_eq!(payments(&server, &staff, &invoice).await, 1);
}
