//! Text that becomes evidence or reaches an email, a page or a terminal: no
//! forged lines, terminal escapes or reordering characters in names,
//! titles, descriptions, comments, messages and settings, and whatever
//! reaches a terminal from `cma audit` (a log written before these rules,
//! or forged) escaped.

use crate::support::*;
use clap::Parser;
use cma_api::audit::command;
use cma_api::cli::{Audit, Cli, Command};
use cma_domain::access::{ClientPortal, Sections};
use cma_domain::client::{Client, ClientCommand};
use cma_domain::ids::{ClientId, LineId, QuoteId, SessionId, StaffId, TeamId};
use cma_domain::money::Currency;
use cma_domain::quote::{Acceptance, Quote, QuoteCommand, QuoteDrafted, QuoteEvent, QuoteLine};
use cma_domain::team::{StaffMember, Team, TeamCommand};
use cma_domain::{EventCodec, Timestamp};
use cma_store::sqlite::SqliteStore;
use cma_store::{Actor, CommandContext, EventStore, Expected, Metadata, NewEvent, Service};
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::sync::Arc;
use uuid::Uuid;

/// A sent quote of `description`'s one line: (staff, client, quote id).
async fn sent_quote(server: &Server, description: &str) -> (Staff, PortalClient, String) {
    let boiler = json!({"title": "New boiler", "currency": "GBP", "lines": [
        {"description": description, "quantity": "1", "unit_price": "1200.00",
         "tax_rate": "20", "optional": false, "selected": true},
    ]});
    let alice = ("Alice Client", "alice@client.test");
    server.quote_sent_to("owner@text.test", alice, boiler).await
}

async fn accept(
    server: &Server,
    client: &PortalClient,
    quote: &str,
    name: &str,
) -> (StatusCode, Value) {
    let png = cma_domain::quote::signature::tiny_png(240, 80);
    let signed = json!({"name": name, "signature": signature_of(&png), "revision": 1});
    server.accept(&client.token, quote, signed).await
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
        let (status, body) = server.portal_message(&client.token, text).await;
        assert_problem(status, &body, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (status, body) = server
        .portal_message(&client.token, "line one\nline two")
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let bob = json!({"name": "Bob\u{1b}]0;owned\u{7}", "emails": []});
    let (status, body) = server
        .post("/api/v1/clients", Some(&staff.token), bob)
        .await;
    assert_problem(status, &body, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = accept(&server, &client, &quote, "Alice Client").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// `body` is a 422 problem naming `code`.
fn assert_refused(status: StatusCode, body: &Value, code: &str) {
    assert_problem(status, body, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["type"],
        json!(format!("https://cma.example/problems/{code}")),
        "{body}"
    );
}

#[tokio::test]
async fn titles_descriptions_and_settings_refuse_forged_lines_escapes_and_overrides() {
    let server = Server::start().await;
    let team = json!({"business_name": "Sparks\u{1b}[2J", "owner_name": "Sam",
                      "owner_email": "sam@text.test", "owner_password": "a long enough password"});
    let (status, body) = server.post("/api/v1/teams", None, team).await;
    assert_refused(status, &body, "team-hidden-characters");
    let (staff, client, quote) = sent_quote(&server, "Boiler").await;
    let line = |description: &str| {
        json!({"description": description, "quantity": "1", "unit_price": "10.00",
               "tax_rate": "20", "optional": false, "selected": true})
    };
    let quotes = format!("/api/v1/clients/{}/quotes", client.client_id);
    let refusals = [
        (
            quotes.clone(),
            json!({"title": "New\nboiler", "currency": "GBP", "lines": [line("Boiler")]}),
            "quote-title-has-hidden-characters",
        ),
        (
            quotes.clone(),
            json!({"title": "New boiler", "currency": "GBP",
                   "lines": [line("Boiler \u{202e}gnittif")]}),
            "quote-description-has-hidden-characters",
        ),
        (
            format!("/api/v1/clients/{}/invoices", client.client_id),
            json!({"number": "INV\u{200b}1", "currency": "GBP", "due_on": "2030-01-31",
                   "lines": [line("Boiler")]}),
            "number-has-hidden-characters",
        ),
        (
            format!("/api/v1/clients/{}/invoices", client.client_id),
            json!({"currency": "GBP", "due_on": "2030-01-31",
                   "lines": [line("Boiler\u{1b}]0;owned\u{7}")]}),
            "invoice-description-has-hidden-characters",
        ),
        (
            "/api/v1/diary/appointments".to_owned(),
            json!({"starts_at": "2030-01-07T10:00:00Z", "ends_at": "2030-01-07T11:00:00Z",
                   "title": "Call\r\nIP 198.51.100.7"}),
            "diary-title-has-hidden-characters",
        ),
    ];
    for (path, body, code) in refusals {
        let (status, answer) = server.post(&path, Some(&staff.token), body).await;
        assert_refused(status, &answer, code);
    }
    let title = json!({"title": "Boiler\u{2066}"});
    let (status, body) = server
        .put(
            &format!("/api/v1/quotes/{quote}"),
            Some(&staff.token),
            title,
        )
        .await;
    assert_refused(status, &body, "quote-title-has-hidden-characters");
    for settings in [
        json!({"business_name": "Sparks\nIP 198.51.100.7"}),
        json!({"branding": {"tagline": "Fast \u{202e}tsaf"}}),
        json!({"invite_email": {"subject": "Hi\u{feff}", "body": "{{portal_link}}"}}),
        json!({"invite_email": {"subject": "Hi", "body": "{{portal_link}}\u{1b}[2J"}}),
    ] {
        let (status, body) = server.save_settings(&staff.token, settings).await;
        assert_refused(status, &body, "team-hidden-characters");
    }
    let invite =
        json!({"invite_email": {"subject": "Your portal", "body": "Hi,\n\n\t{{portal_link}}\n"}});
    let (status, body) = server.save_settings(&staff.token, invite).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let pipes =
        json!({"title": "Pipes", "currency": "GBP", "lines": [line("Copper pipe\n\t15 mm")]});
    let (status, body) = server.post(&quotes, Some(&staff.token), pipes).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// An accepted quote whose stored line description holds a terminal escape
/// and a right-to-left override, as a log written before the text rules (or
/// forged) may hold: the drafted event is written into the log directly,
/// the rest is decided as usual. Its quote id.
async fn accepted_with_stored_description(data_dir: &std::path::Path, description: &str) -> Uuid {
    let (team, staff, client, quote) = (
        TeamId(Uuid::new_v4()),
        StaffId(Uuid::new_v4()),
        ClientId(Uuid::new_v4()),
        QuoteId(Uuid::new_v4()),
    );
    let store: Arc<dyn EventStore> = Arc::new(
        SqliteStore::open(&data_dir.join("events.db"))
            .await
            .expect("event log"),
    );
    let service = Service::new(store.clone());
    let now = Timestamp::from_jiff(jiff::Timestamp::now());
    let ctx = CommandContext::system(now, None);
    let owner = StaffMember {
        staff,
        name: "Sam Sparks".to_owned(),
        email: "sam@text.test".to_owned(),
    };
    let create_team = TeamCommand::Create {
        team,
        business_name: "Sparks & Sons".to_owned(),
        owner,
        time_zone: "Europe/London".to_owned(),
    };
    service
        .execute::<Team>(team.0, &ctx, create_team)
        .await
        .expect("team");
    let create_client = ClientCommand::Create {
        client,
        team,
        by: staff,
        name: "Alice Client".to_owned(),
        emails: vec![],
    };
    service
        .execute::<Client>(client.0, &ctx, create_client)
        .await
        .expect("client");
    let drafted = QuoteEvent::Drafted(QuoteDrafted {
        quote,
        team,
        client,
        title: "New boiler".to_owned(),
        currency: Currency::from_code("GBP").expect("currency"),
        expires_on: None,
        lines: vec![QuoteLine {
            id: LineId(Uuid::new_v4()),
            description: description.to_owned(),
            quantity: Decimal::ONE,
            unit_price: Decimal::new(120_000, 2),
            tax_rate: Decimal::new(20, 0),
            optional: false,
            selected: true,
        }],
        by: staff,
        at: now,
    });
    let forged = NewEvent {
        event_id: Uuid::new_v4(),
        event_type: drafted.event_type().to_owned(),
        schema_version: drafted.schema_version(),
        recorded_at: now,
        actor: Actor::System,
        metadata: Metadata::default(),
        payload: drafted.encode(),
    };
    store
        .append(
            &Service::stream::<Quote>(quote.0),
            Expected::NoStream,
            vec![forged],
        )
        .await
        .expect("forged draft");
    let send = QuoteCommand::Send { team, by: staff };
    service
        .execute::<Quote>(quote.0, &ctx, send)
        .await
        .expect("sent");
    let accept = QuoteCommand::Accept(Box::new(Acceptance {
        team,
        by: ClientPortal {
            client,
            enabled: true,
            sections: Sections::ALL,
        },
        session: SessionId(Uuid::new_v4()),
        name: "Alice Client".to_owned(),
        signature_png: cma_domain::quote::signature::tiny_png(240, 80),
        ip: std::net::Ipv4Addr::LOCALHOST.into(),
        user_agent: "Mozilla/5.0".to_owned(),
        revision: Some(1),
        time_zone: jiff::tz::TimeZone::UTC,
        login_email: None,
        login_invite: None,
    }));
    service
        .execute::<Quote>(quote.0, &ctx, accept)
        .await
        .expect("accepted");
    store.close().await;
    quote.0
}

#[tokio::test]
async fn the_audit_text_escapes_what_would_act_on_a_terminal() {
    let dir = tempfile::tempdir().expect("data dir");
    let description = "Boiler\u{1b}[2J\u{202e}gnittif";
    let quote = accepted_with_stored_description(dir.path(), description)
        .await
        .to_string();
    let data_dir = dir.path().display().to_string();
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
