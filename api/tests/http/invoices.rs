//! Invoice numbers, and the dates and currencies the quote and invoice
//! lists and the invoice view carry.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn labour(price: &str) -> Value {
    json!([{"description": "Labour", "quantity": "1", "unit_price": price, "tax_rate": "20"}])
}

/// An invoice in GBP due on 31 December 2026 of one line of labour at `price`.
fn labour_due_at_year_end(price: &str) -> Value {
    json!({"currency": "GBP", "due_on": "2026-12-31", "lines": labour(price)})
}

/// The number of the invoice `created` answered with, read as `token`.
async fn number_of(server: &Server, created: &Value, token: &str) -> Value {
    let path = format!("/api/v1/invoices/{}", text(&created["invoice_id"]));
    let (status, view) = server.fresh(&path, token).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view["number"].clone()
}

#[tokio::test]
async fn automatic_numbers_are_sequential_per_team_and_distinct_under_concurrent_issues() {
    let server = Server::start_with(at(FRIDAY_NOON)).await;
    let boss = server.signup("numbers@ace.example").await;
    let client = server.client(&boss, "Kim", &["kim@home.example"]).await;
    let path = format!("/api/v1/clients/{client}/invoices");

    // Refused before a number is taken: no lines.
    let no_lines = json!({"currency": "GBP", "due_on": "2026-12-31", "lines": []});
    let (status, body) = server.post(&path, Some(&boss.token), no_lines).await;
    assert_problem(status, &body, StatusCode::UNPROCESSABLE_ENTITY);

    const N: usize = 12;
    let mut issues = tokio::task::JoinSet::new();
    for i in 0..N {
        let (http, url, token) = (server.http.clone(), server.url(&path), boss.token.clone());
        issues.spawn(async move {
            let response = http
                .post(url)
                .bearer_auth(token)
                .json(&labour_due_at_year_end(&format!("{}.00", 10 + i)))
                .send()
                .await
                .expect("response");
            read(response).await
        });
    }
    let mut last_position = 0;
    let mut invoices = Vec::new();
    while let Some(joined) = issues.join_next().await {
        let (status, body) = joined.expect("task");
        assert_eq!(status, StatusCode::CREATED, "{body}");
        last_position = last_position.max(body["position"].as_u64().expect("position"));
        invoices.push(text(&body["invoice_id"]));
    }
    let position = json!(last_position);
    let mut numbers = BTreeSet::new();
    for invoice in &invoices {
        let (status, view) = server
            .get_at(
                &format!("/api/v1/invoices/{invoice}"),
                &boss.token,
                &position,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{view}");
        numbers.insert(text(&view["number"]));
    }
    let expected: BTreeSet<String> = (1..=N).map(|n| format!("INV-{n:04}")).collect();
    assert_eq!(
        numbers, expected,
        "{N} concurrent issues take {N} distinct numbers, none lost to the refused one"
    );

    // A typed number is kept and takes no automatic one.
    let mut typed = labour_due_at_year_end("5.00");
    typed["number"] = json!("JOB-77");
    let (status, _) = server.post(&path, Some(&boss.token), typed).await;
    assert_eq!(status, StatusCode::CREATED);
    let next = labour_due_at_year_end("6.00");
    let (_, next) = server.post(&path, Some(&boss.token), next).await;
    let number = number_of(&server, &next, &boss.token).await;
    assert_eq!(number, format!("INV-{:04}", N + 1));

    // Another team counts from 1.
    let other = server.signup("numbers@other.example").await;
    let other_client = server.client(&other, "Lee", &["lee@home.example"]).await;
    let first = labour_due_at_year_end("7.00");
    let (_, created) = server.invoice(&other.token, &other_client, first).await;
    let number = number_of(&server, &created, &other.token).await;
    assert_eq!(number, "INV-0001");
}

#[tokio::test]
async fn lists_carry_currency_and_dates_newest_first_and_the_view_its_payments() {
    let server = Server::start_with(at(FRIDAY_NOON)).await;
    let (boss, kim) = server.staff_and_client("Kim", "kim@home.example").await;
    let (staff, client, portal) = (boss.token.clone(), kim.client_id, kim.token);

    // Quotes: one sent with an expiry, then a later draft without one.
    let boiler = json!({"title": "Boiler", "currency": "EUR", "expires_on": "2026-12-31", "lines": [
        {"description": "Fit", "quantity": "1", "unit_price": "100.00", "tax_rate": "20", "optional": false, "selected": true}]});
    let sent = server.sent_quote(&boss, &client, boiler).await;
    let extension = json!({"title": "Extension", "currency": "GBP", "lines": [
        {"description": "Walls", "quantity": "1", "unit_price": "50.00", "tax_rate": "20", "optional": false, "selected": true}]});
    let (_, draft) = server.draft_quote(&staff, &client, extension).await;
    let draft = text(&draft["quote_id"]);
    let (status, list) = server
        .fresh(&format!("/api/v1/clients/{client}/quotes"), &staff)
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let quotes = list["quotes"].as_array().expect("quotes");
    assert_eq!(quotes.len(), 2);
    assert_eq!(quotes[0]["quote_id"], json!(draft), "newest first");
    assert_eq!(quotes[0]["currency"], "GBP");
    assert!(quotes[0]["created_at"].is_string());
    assert!(quotes[0].get("sent_at").is_none(), "a draft has no sent_at");
    assert!(quotes[0].get("expires_on").is_none());
    assert_eq!(quotes[1]["quote_id"], json!(sent));
    assert_eq!(quotes[1]["currency"], "EUR");
    assert_eq!(quotes[1]["expires_on"], "2026-12-31");
    assert!(quotes[1]["sent_at"].is_string());
    assert!(quotes[1]["created_at"].is_string());
    let (_, portal_list) = server.fresh("/api/v1/portal/quotes", &portal).await;
    assert_eq!(portal_list["quotes"].as_array().map(Vec::len), Some(1));
    assert_eq!(portal_list["quotes"][0]["sent_at"], quotes[1]["sent_at"]);
    assert_eq!(portal_list["quotes"][0]["currency"], "EUR");

    // Invoices: the first in EUR, the second in GBP.
    let mut ids = Vec::new();
    for (currency, due_on) in [("EUR", "2026-12-20"), ("GBP", "2027-01-15")] {
        let invoice = json!({"currency": currency, "due_on": due_on, "lines": labour("100.00")});
        let (status, created) = server.invoice(&staff, &client, invoice).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        ids.push(text(&created["invoice_id"]));
    }
    for (amount, paid_on) in [("50.00", "2026-12-02"), ("20.00", "2026-12-01")] {
        let payments = format!("/api/v1/invoices/{}/payments", ids[0]);
        let payment = json!({"amount": amount, "paid_on": paid_on});
        let (status, body) = server.post(&payments, Some(&staff), payment).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    for (path, token) in [
        (format!("/api/v1/clients/{client}/invoices"), &staff),
        ("/api/v1/portal/invoices".to_owned(), &portal),
    ] {
        let (status, list) = server.fresh(&path, token).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let invoices = list["invoices"].as_array().expect("invoices");
        assert_eq!(invoices.len(), 2);
        assert_eq!(invoices[0]["invoice_id"], json!(ids[1]), "newest first");
        assert_eq!(invoices[0]["currency"], "GBP");
        assert_eq!(invoices[0]["due_on"], "2027-01-15");
        assert_eq!(invoices[1]["currency"], "EUR");
        assert_eq!(invoices[1]["due_on"], "2026-12-20");
        assert_eq!(invoices[1]["amount_due"], "50.00");
        for invoice in invoices {
            assert!(invoice["issued_at"].is_string(), "{invoice}");
        }
    }
    for (path, token) in [
        (format!("/api/v1/invoices/{}", ids[0]), &staff),
        (format!("/api/v1/portal/invoices/{}", ids[0]), &portal),
    ] {
        let (status, view) = server.fresh(&path, token).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        assert_eq!(view["currency"], "EUR");
        assert!(view["issued_at"].is_string());
        let payments = view["payments"].as_array().expect("payments");
        assert_eq!(payments.len(), 2);
        assert_eq!(payments[0]["amount"], "50.00", "in the order recorded");
        assert_eq!(payments[0]["paid_on"], "2026-12-02");
        assert_eq!(payments[1]["amount"], "20.00");
        assert_eq!(payments[1]["paid_on"], "2026-12-01");
        assert!(payments.iter().all(|p| p["recorded_at"].is_string()));
    }
    let (_, unpaid) = server
        .fresh(&format!("/api/v1/invoices/{}", ids[1]), &staff)
        .await;
    assert_eq!(unpaid["payments"], json!([]));
}
