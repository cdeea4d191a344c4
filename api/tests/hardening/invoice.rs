//! An invoice to record payments against, and its view.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A new client's invoice of one £100.00 line at 20% tax: its id.
pub async fn invoice(server: &Server, staff: &Staff) -> String {
    let client = server.client(staff, "Kim", &["kim@home.example"]).await;
    let (status, created) = server
        .post(
            &format!("/api/v1/clients/{client}/invoices"),
            Some(&staff.token),
            json!({"currency": "GBP", "due_on": "2026-12-20", "lines": [
                {"description": "Labour", "quantity": "1", "unit_price": "100.00", "tax_rate": "20"}
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    text(&created["invoice_id"])
}

/// The invoice once every event appended so far is projected (a keyed
/// answer is not noted as a position to wait for).
pub async fn view(server: &Server, staff: &Staff, invoice: &str) -> Value {
    let head = json!(server.head().await);
    let (status, view) = server
        .get_at(&format!("/api/v1/invoices/{invoice}"), &staff.token, &head)
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view
}
