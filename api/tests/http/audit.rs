//! The audit of an accepted quote over HTTP and from the `cma` command line,
//! and `cma audit verify` catching an altered log (docs/product.md §10). The command
//! line runs in this process, through the same parser and entry point as the
//! binary's `main`.

use crate::support::*;
use base64::Engine;
use clap::Parser;
use cma_api::audit::command;
use cma_api::cli::{Audit, Cli, Command};
use cma_domain::Timestamp;
use cma_domain::quote::signature::tiny_png;
use cma_domain::sha256::sha256_hex;
use cma_domain::testing::fixtures;
use cma_store::sqlite::{SqliteStore, connect_options};
use cma_store::verify::Verified;
use cma_store::{Actor, EventStore, Expected, Metadata, NewEvent, StreamId};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Connection;
use std::path::Path;

fn parse(args: &[&str]) -> Cli {
    Cli::try_parse_from(std::iter::once("cma").chain(args.iter().copied())).expect("arguments")
}

/// Runs `cma` with these arguments as its `main` does: an error means a
/// non-zero exit with this message.
async fn cma(args: &[&str]) -> Result<(), String> {
    cma_api::cli::run(parse(args))
        .await
        .map_err(|e| cma_api::cli::error_message(&e))
}

/// What `cma audit quote ...` prints, and whether the quote verifies.
async fn quote_output(args: &[&str]) -> Result<(String, bool), String> {
    match parse(args).command {
        Command::Audit(Audit::Quote { id, format, config }) => {
            command::render_quote(&config, &id, format)
                .await
                .map_err(|e| cma_api::cli::error_message(&e))
        }
        other => panic!("not an audit quote command: {other:?}"),
    }
}

/// What `cma audit verify ...` covered.
async fn verify_output(args: &[&str]) -> Result<Verified, String> {
    match parse(args).command {
        Command::Audit(Audit::Verify { from, config }) => command::verify(&config, from)
            .await
            .map_err(|e| cma_api::cli::error_message(&e)),
        other => panic!("not an audit verify command: {other:?}"),
    }
}

/// A sent quote with a required and an unselected optional line, accepted by
/// the client through the portal: (staff, client, quote id, signature PNG).
async fn accepted_quote(server: &Server) -> (Staff, PortalClient, String, Vec<u8>) {
    let boiler = json!({"title": "New boiler", "currency": "GBP", "lines": [
        {"description": "Boiler & fitting", "quantity": "1", "unit_price": "1200.00",
         "tax_rate": "20", "optional": false, "selected": true},
        {"description": "Magnetic filter", "quantity": "1", "unit_price": "95.00",
         "tax_rate": "20", "optional": true, "selected": false},
    ]});
    let alice = ("Alice <Client>", "alice@client.test");
    let (staff, client, quote) = server
        .quote_sent_to("owner@sparks.test", alice, boiler)
        .await;
    let png = tiny_png(240, 80);
    let signed = json!({"name": "Alice Client", "signature": signature_of(&png), "revision": 1});
    let (status, body) = server.accept(&client.token, &quote, signed).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (staff, client, quote, png)
}

#[tokio::test]
async fn the_audit_replays_an_accepted_quote_and_verifies_its_hashes() {
    let server = Server::start().await;
    let (staff, client, quote, png) = accepted_quote(&server).await;
    let (status, audit) = server
        .get(&format!("/api/v1/audit/quotes/{quote}"), Some(&staff.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{audit}");
    assert_eq!(audit["quote_id"], json!(quote));
    assert_eq!(audit["chain_valid"], json!(true), "{audit}");

    let events = audit["events"].as_array().expect("events");
    let types: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(types, ["QuoteDrafted", "QuoteSent", "QuoteAccepted"]);
    assert_eq!(
        events[0]["actor"],
        json!(format!("staff:{}", staff.staff_id))
    );
    assert_eq!(events[0]["data"]["team"], json!(staff.team_id));
    assert_eq!(events[0]["prev_hash"], json!("0".repeat(64)));
    for (version, pair) in events.windows(2).enumerate() {
        assert_eq!(pair[1]["prev_hash"], pair[0]["hash"]);
        assert_eq!(pair[1]["stream_version"], json!(version + 2));
    }
    assert_eq!(
        events[2]["actor"],
        json!(format!("client:{}", client.client_id))
    );
    assert_eq!(events[2]["ip"], json!("127.0.0.1"));

    let acceptance = &audit["acceptance"];
    assert_eq!(acceptance["name"], json!("Alice Client"));
    assert_eq!(acceptance["ip"], json!("127.0.0.1"));
    assert_eq!(acceptance["revision"], json!(1));
    assert_eq!(acceptance["signature_sha256"], json!(sha256_hex(&png)));
    assert_eq!(acceptance["signature_matches"], json!(true));
    assert_eq!(acceptance["content_matches"], json!(true));
    assert_eq!(
        acceptance["content_sha256"],
        acceptance["content_sha256_recomputed"]
    );
    assert_eq!(
        acceptance["content_sha256"].as_str().map(str::len),
        Some(64)
    );
    assert_eq!(
        acceptance["selected_lines"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(acceptance["totals"]["total"], json!("1440.00"));
    assert!(Timestamp::parse_rfc3339(&text(&acceptance["accepted_at"])).is_some());
}

#[tokio::test]
async fn the_certificate_is_printable_html_and_text() {
    let server = Server::start().await;
    let (staff, _client, quote, png) = accepted_quote(&server).await;
    let response = server
        .http
        .get(server.url(&format!("/api/v1/audit/quotes/{quote}/certificate")))
        .bearer_auth(&staff.token)
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let html = response.text().await.expect("body");
    let image = base64::engine::general_purpose::STANDARD.encode(&png);
    for expected in [
        "<!DOCTYPE html>",
        "Sparks &amp; Sons",
        "Alice &lt;Client&gt;",
        "Boiler &amp; fitting",
        "Alice Client",
        "127.0.0.1",
        "1440.00",
        "Europe/London",
        "UTC",
        &format!("src=\"data:image/png;base64,{image}\""),
        &sha256_hex(&png),
        "all 3 events of the quote's hash chain are intact",
    ] {
        assert!(html.contains(expected), "{expected:?} missing from\n{html}");
    }
    assert!(!html.contains("Alice <Client>") && !html.contains("Magnetic filter"));

    let text = server.certificate_text(&staff, &quote).await;
    assert!(text.starts_with("CERTIFICATE OF ACCEPTANCE"), "{text}");
    assert!(
        text.contains("Sparks & Sons") && text.contains("Alice <Client>"),
        "{text}"
    );
}

#[tokio::test]
async fn the_audit_of_a_quote_not_yet_accepted_has_no_acceptance_and_no_certificate() {
    let server = Server::start().await;
    let staff = server.signup("owner@sparks.test").await;
    let client = server.client(&staff, "Bea", &["bea@client.test"]).await;
    let rewire = json!({"title": "Rewire", "currency": "GBP", "lines": [
        {"description": "Cable", "quantity": "10", "unit_price": "2.50",
         "tax_rate": "20", "optional": false, "selected": true}]});
    let (status, created) = server.draft_quote(&staff.token, &client, rewire).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let quote = text(&created["quote_id"]);
    let (status, audit) = server
        .get(&format!("/api/v1/audit/quotes/{quote}"), Some(&staff.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{audit}");
    assert_eq!(audit["chain_valid"], json!(true));
    // docs/api.md: `acceptance?` — absent, not null, like every optional field.
    let fields = audit.as_object().expect("an object");
    assert!(!fields.contains_key("acceptance"), "{audit}");
    assert!(!fields.contains_key("broken_link"), "{audit}");
    let (status, body) = server
        .get(
            &format!("/api/v1/audit/quotes/{quote}/certificate"),
            Some(&staff.token),
        )
        .await;
    assert_problem(status, &body, StatusCode::NOT_FOUND);
    assert_eq!(body["type"], "https://cma.example/problems/not-accepted");
}

#[tokio::test]
async fn only_staff_of_the_owning_team_see_the_audit() {
    let server = Server::start().await;
    let (_staff, client, quote, _) = accepted_quote(&server).await;
    let other = server.signup("owner@rivals.test").await;
    for path in [
        format!("/api/v1/audit/quotes/{quote}"),
        format!("/api/v1/audit/quotes/{quote}/certificate"),
    ] {
        let (status, body) = server.get(&path, Some(&other.token)).await;
        assert_problem(status, &body, StatusCode::NOT_FOUND);
        let (status, body) = server.get(&path, Some(&client.token)).await;
        assert_problem(status, &body, StatusCode::FORBIDDEN);
        let (status, body) = server.get(&path, None).await;
        assert_problem(status, &body, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = server
        .get(
            &format!("/api/v1/audit/quotes/{}", uuid::Uuid::new_v4()),
            Some(&other.token),
        )
        .await;
    assert_problem(status, &body, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_cli_prints_the_audit_and_the_certificate() {
    let server = Server::start().await;
    let (_staff, _client, quote, _) = accepted_quote(&server).await;
    let dir = server.data_dir().display().to_string();
    let args = ["audit", "quote", &quote, "--data-dir", &dir];
    assert_eq!(cma(&args).await, Ok(()));

    let (json_out, verified) = quote_output(&[&args[..], &["--format", "json"]].concat())
        .await
        .expect("JSON report");
    assert!(verified);
    let audit: Value = serde_json::from_str(&json_out).expect("JSON report");
    assert_eq!(audit["chain_valid"], json!(true));
    assert_eq!(audit["acceptance"]["content_matches"], json!(true));

    let (html, _) = quote_output(&[&args[..], &["--format", "html"]].concat())
        .await
        .expect("certificate");
    assert!(html.contains("Certificate of acceptance") && html.contains("Sparks &amp; Sons"));

    let (printed, _) = quote_output(&args).await.expect("text report");
    assert!(
        printed.contains("Hash chain: valid")
            && printed.contains(": match")
            && printed.contains("QuoteAccepted by client:")
            && printed.contains("CERTIFICATE OF ACCEPTANCE"),
        "{printed}"
    );

    let refused = cma(&["audit", "quote", "not-a-uuid", "--data-dir", &dir]).await;
    assert!(refused.is_err_and(|e| e.contains("is not a quote id")));
    let unknown = uuid::Uuid::new_v4().to_string();
    let refused = cma(&["audit", "quote", &unknown, "--data-dir", &dir]).await;
    assert_eq!(refused, Err(format!("no quote {unknown}")));
}

fn event(n: u8) -> NewEvent {
    NewEvent {
        event_id: uuid::Uuid::new_v4(),
        event_type: "CaseEvent".to_owned(),
        schema_version: 1,
        recorded_at: fixtures::after(i64::from(n)),
        actor: Actor::System,
        metadata: Metadata::default(),
        payload: vec![n; 32],
    }
}

/// Two streams of two events each, at positions 1..=4 (stream a: 1, 3; b: 2, 4).
async fn seed(path: &Path) -> Vec<StreamId> {
    let store = SqliteStore::open(path).await.expect("event log");
    let streams: Vec<StreamId> = (0..2)
        .map(|_| StreamId::new("case", uuid::Uuid::new_v4()))
        .collect();
    for version in 0..2u8 {
        for stream in &streams {
            let expected = match version {
                0 => Expected::NoStream,
                v => Expected::Exactly(u64::from(v)),
            };
            store
                .append(stream, expected, vec![event(version)])
                .await
                .expect("append");
        }
    }
    store.close().await;
    streams
}

#[tokio::test]
async fn audit_verify_names_the_first_broken_link_of_an_altered_sqlite_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().display().to_string();
    let db = dir.path().join("events.db");
    let streams = seed(&db).await;

    let clean = verify_output(&["audit", "verify", "--data-dir", &data_dir])
        .await
        .expect("an intact log");
    assert_eq!(
        (clean.events, clean.streams, clean.last_position),
        (4, 2, 4)
    );

    // One byte of the payload at position 3 (stream a, version 2) changes.
    let mut conn = sqlx::SqliteConnection::connect_with(&connect_options(&db))
        .await
        .expect("direct connection");
    let stored: (Vec<u8>, Vec<u8>) =
        sqlx::query_as("SELECT payload, hash FROM events WHERE position = 3")
            .fetch_one(&mut conn)
            .await
            .expect("stored event");
    let mut altered = stored.0.clone();
    altered[0] ^= 0x01;
    sqlx::query("UPDATE events SET payload = $1 WHERE position = 3")
        .bind(altered)
        .execute(&mut conn)
        .await
        .expect("alteration");
    conn.close().await.expect("close");

    for args in [vec![], vec!["--from", "2"]] {
        let mut all = vec!["audit", "verify", "--data-dir", &data_dir];
        all.extend(args);
        let message = cma(&all).await.expect_err("a broken chain fails");
        for expected in [
            "hash chain broken: content does not match its hash",
            &format!("stream {}", streams[0]),
            "version 2",
            "position 3",
            &format!("found {}", hex::encode(&stored.1)),
        ] {
            assert!(
                message.contains(expected),
                "{expected:?} missing from {message}"
            );
        }
    }
    let after = verify_output(&["audit", "verify", "--from", "3", "--data-dir", &data_dir])
        .await
        .expect("nothing altered after position 3");
    assert_eq!(
        (after.events, after.streams, after.last_position),
        (1, 1, 4)
    );
}
