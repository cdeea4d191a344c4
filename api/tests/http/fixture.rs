//! Teams, clients and one of each resource, made over HTTP for the
//! authorization matrix.

use crate::support::*;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

pub fn png_form() -> Form {
    let png = cma_domain::quote::signature::tiny_png(4, 4);
    let part = Part::bytes(png).file_name("sketch.png");
    Form::new().part("file", part)
}

/// One of each resource a client has.
#[derive(Clone, Debug)]
pub struct Resources {
    pub client: String,
    pub quote: String,
    pub line: String,
    pub invoice: String,
    pub file: String,
    pub appointment: String,
}

impl Resources {
    /// `template` with its `{placeholders}` filled from these resources.
    pub fn fill(&self, template: &str) -> String {
        template
            .replace("{client}", &self.client)
            .replace("{quote}", &self.quote)
            .replace("{line}", &self.line)
            .replace("{invoice}", &self.invoice)
            .replace("{file}", &self.file)
            .replace("{appointment}", &self.appointment)
    }
}

async fn ok(result: (StatusCode, Value), expected: StatusCode) -> Value {
    assert_eq!(result.0, expected, "{}", result.1);
    result.1
}

/// A portal client with every section on and one of each resource (the
/// quote sent and accepted); the meeting is booked at the `slot`-th free slot.
pub async fn provision(
    server: &Server,
    staff: &Staff,
    name: &str,
    slot: usize,
) -> (PortalClient, Resources) {
    let email = format!("{}@example.test", name.to_lowercase());
    let client = server
        .portal_client(staff, name, &email, all_sections())
        .await;
    let id = client.client_id.clone();
    let token = Some(staff.token.as_str());
    let quote = ok(
        server
            .post(
                &format!("/api/v1/clients/{id}/quotes"),
                token,
                json!({"title": "New boiler", "currency": "GBP", "lines": [
                    {"description": "Boiler", "quantity": "1", "unit_price": "1200.00", "tax_rate": "20", "optional": false, "selected": true},
                    {"description": "Filter", "quantity": "1", "unit_price": "95.50", "tax_rate": "20", "optional": true, "selected": true}
                ]}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let quote_id = text(&quote["quote_id"]);
    let sent = ok(
        server
            .post(&format!("/api/v1/quotes/{quote_id}/send"), token, json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let view = ok(
        server
            .get_at(
                &format!("/api/v1/quotes/{quote_id}"),
                &staff.token,
                &sent["position"],
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let line = text(&view["lines"][1]["line_id"]);
    ok(
        server
            .post(
                &format!("/api/v1/portal/quotes/{quote_id}/accept"),
                Some(&client.token),
                json!({"name": name, "signature": signature(), "revision": 1}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let invoice = ok(
        server
            .post(
                &format!("/api/v1/clients/{id}/invoices"),
                token,
                json!({"currency": "GBP", "due_on": "2026-12-31", "lines": [
                    {"description": "Call-out", "quantity": "1", "unit_price": "80.00", "tax_rate": "20"}
                ]}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let upload = server
        .http
        .post(server.url(&format!("/api/v1/clients/{id}/files")))
        .bearer_auth(&staff.token)
        .multipart(png_form())
        .send()
        .await
        .expect("upload");
    let file = ok(read(upload).await, StatusCode::CREATED).await;
    let slots = ok(
        server
            .get("/api/v1/portal/meetings/slots", Some(&client.token))
            .await,
        StatusCode::OK,
    )
    .await;
    let booked = ok(
        server
            .post(
                "/api/v1/portal/meetings",
                Some(&client.token),
                json!({"starts_at": slots["slots"][slot]["starts_at"]}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    ok(
        server
            .post(
                "/api/v1/portal/messages",
                Some(&client.token),
                json!({"text": "Hello"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let resources = Resources {
        client: id,
        quote: quote_id,
        line,
        invoice: text(&invoice["invoice_id"]),
        file: text(&file["file_id"]),
        appointment: text(&booked["appointment_id"]),
    };
    (client, resources)
}
