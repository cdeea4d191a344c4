//! Text that becomes evidence: no forged lines, terminal escapes or
//! reordering characters in names, comments and messages, and whatever
//! reaches a terminal from `cma audit` escaped.

use crate::support::*;
use base64::Engine;
use clap::Parser;
use cma_api::audit::command;
use cma_api::cli::{Audit, Cli, Command};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A sent quote of `description`'s one line: (staff, client, quote id).
async fn sent_quote(server: &Server, description: &str) -> (Staff, PortalClient, String) {
    let staff = server.signup("owner@text.test").await;
    let client = server
        .portal_client(&staff, "Alice Client", "alice@client.test", all_sections())
        .await;
    let (status, created) = server
        .post(
            &format!("/api/v1/clients/{}/quotes", client.client_id),
            Some(&staff.token),
            json!({"title": "New boiler", "currency": "GBP", "lines": [
                {"description": description, "quantity": "1", "unit_price": "1200.00",
                 "tax_rate": "20", "optional": false, "selected": true},
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let quote = text(&created["quote_id"]);
    let (status, body) = server
        .post(
            &format!("/api/v1/quotes/{quote}/send"),
            Some(&staff.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (staff, client, quote)
}

fn signature_url() -> String {
    let png = cma_domain::quote::signature::tiny_png(240, 80);
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&png)
    )
}

async fn accept(
    server: &Server,
    client: &PortalClient,
    quote: &str,
    name: &str,
) -> (StatusCode, Value) {
    server
        .post(
            &format!("/api/v1/portal/quotes/{quote}/accept"),
            Some(&client.token),
            json!({"name": name, "signature": signature_url(), "revision": 1}),
        )
        .await
}

#[tokio::test]
async fn forged_lines_escapes_and_overrides_are_refused_in_evidence_text() {
    let server = Server::start().await;
    let (staff, client, quote) = sent_quote(&server, "Boiler").await;
    for name in [
        "Alice Client\nIP address            198.51.100.7",
        "Alice\u{1b}[2J",
        "Alice \u{202e}tneilC",
        "Alice\u{200b}",
    ] {
        let (status, body) = accept(&server, &client, &quote, name).await;
        assert_problem(status, &body, StatusCode::UNPROCESSABLE_ENTITY);
    }
    for text in ["hello \u{202e}dlrow", "hi\u{2066}there", "a\u{feff}b"] {
        let (status, body) = server
            .post(
                "/api/v1/portal/messages",
                Some(&client.token),
                json!({"text": text}),
            )
            .await;
        assert_problem(status, &body, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (status, body) = server
        .post(
            "/api/v1/portal/messages",
            Some(&client.token),
            json!({"text": "line one\nline two"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = server
        .post(
            "/api/v1/clients",
            Some(&staff.token),
            json!({"name": "Bob\u{1b}]0;owned\u{7}", "emails": []}),
        )
        .await;
    assert_problem(status, &body, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = accept(&server, &client, &quote, "Alice Client").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn the_audit_text_escapes_what_would_act_on_a_terminal() {
    let server = Server::start().await;
    let description = "Boiler\u{1b}[2J\u{202e}gnittif";
    let (_, client, quote) = sent_quote(&server, description).await;
    let (status, body) = accept(&server, &client, &quote, "Alice Client").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let data_dir = server.data_dir().display().to_string();
    let cli = Cli::try_parse_from(["cma", "audit", "quote", &quote, "--data-dir", &data_dir])
        .expect("arguments");
    let Command::Audit(Audit::Quote { id, format, config }) = cli.command else {
        panic!("not an audit quote command");
    };
    let (out, verified) = command::render_quote(&config, &id, format)
        .await
        .expect("audit");
    assert!(verified, "{out}");
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{202e}'),
        "{out:?}"
    );
    assert!(out.contains("Boiler\\u{1b}[2J\\u{202e}gnittif"), "{out}");
}
