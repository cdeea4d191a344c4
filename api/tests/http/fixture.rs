//! Teams, clients and one of each resource, made over HTTP for the
//! authorization matrix.

use crate::support::*;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::json;

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
    let boiler = json!({"title": "New boiler", "currency": "GBP", "lines": [
        {"description": "Boiler", "quantity": "1", "unit_price": "1200.00", "tax_rate": "20", "optional": false, "selected": true},
        {"description": "Filter", "quantity": "1", "unit_price": "95.50", "tax_rate": "20", "optional": true, "selected": true}
    ]});
    let (quote, line) = server.sent_quote_and_line(staff, &id, boiler).await;
    let signed = json!({"name": name, "signature": signature(), "revision": 1});
    answered(
        server.accept(&client.token, &quote, signed).await,
        StatusCode::OK,
    );
    let call_out = json!({"currency": "GBP", "due_on": "2026-12-31", "lines": [
        {"description": "Call-out", "quantity": "1", "unit_price": "80.00", "tax_rate": "20"}
    ]});
    let invoice = server.invoice(&staff.token, &id, call_out).await;
    let invoice = answered(invoice, StatusCode::CREATED);
    let upload = server
        .http
        .post(server.url(&format!("/api/v1/clients/{id}/files")))
        .bearer_auth(&staff.token)
        .multipart(png_form())
        .send()
        .await
        .expect("upload");
    let file = answered(read(upload).await, StatusCode::CREATED);
    let slots = server
        .get("/api/v1/portal/meetings/slots", Some(&client.token))
        .await;
    let slots = answered(slots, StatusCode::OK);
    let starts_at = text(&slots["slots"][slot]["starts_at"]);
    let booked = server.book(&client.token, &starts_at).await;
    let booked = answered(booked, StatusCode::CREATED);
    let hello = server.portal_message(&client.token, "Hello").await;
    answered(hello, StatusCode::CREATED);
    let resources = Resources {
        client: id,
        quote,
        line,
        invoice: text(&invoice["invoice_id"]),
        file: text(&file["file_id"]),
        appointment: text(&booked["appointment_id"]),
    };
    (client, resources)
}
