//! A payment has an id: sending the same payment again (a retry without an
//! `Idempotency-Key`) records it once.

use crate::invoice::{invoice, view};
use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_payment_sent_twice_with_its_id_is_recorded_once() {
    let server = Server::start().await;
    let staff = server.signup("owner@pay.example").await;
    let invoice = invoice(&server, &staff).await;
    let path = format!("/api/v1/invoices/{invoice}/payments");
    let id = "0190a6c4-0000-7000-8000-00000000a001";
    let payment = json!({"payment_id": id, "amount": "30.00", "paid_on": "2026-12-02"});

    let (status, first) = server
        .post(&path, Some(&staff.token), payment.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["payment_id"], json!(id));
    let (status, again) = server
        .post(&path, Some(&staff.token), payment.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["payment_id"], json!(id));
    assert!(again["position"].as_u64() >= first["position"].as_u64());
    let seen = view(&server, &staff, &invoice).await;
    assert_eq!(seen["payments"].as_array().map(Vec::len), Some(1), "{seen}");
    assert_eq!(seen["amount_paid"], json!("30.00"), "{seen}");

    // The id of that payment for another amount: 409, nothing recorded.
    let (status, problem) = server
        .post(
            &path,
            Some(&staff.token),
            json!({"payment_id": id, "amount": "20.00", "paid_on": "2026-12-02"}),
        )
        .await;
    assert_problem(status, &problem, StatusCode::CONFLICT);
    assert_eq!(
        view(&server, &staff, &invoice).await["amount_paid"],
        json!("30.00")
    );

    // Without an id, the server gives each payment its own.
    let mut ids = Vec::new();
    for _ in 0..2 {
        let (status, answer) = server
            .post(
                &path,
                Some(&staff.token),
                json!({"amount": "10.00", "paid_on": "2026-12-03"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        ids.push(text(&answer["payment_id"]));
    }
    assert_ne!(ids[0], ids[1]);
    assert!(ids.iter().all(|i| i.len() == 36 && i != id), "{ids:?}");
    assert_eq!(
        view(&server, &staff, &invoice).await["amount_paid"],
        json!("50.00")
    );

    // A payment id that is not a UUID is a 400.
    let (status, problem) = server
        .post(
            &path,
            Some(&staff.token),
            json!({"payment_id": "twice", "amount": "1.00", "paid_on": "2026-12-03"}),
        )
        .await;
    assert_problem(status, &problem, StatusCode::BAD_REQUEST);
}
