//! The seed's story, end to end over HTTP (issue 5).

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn the_story_of_a_quote_a_file_a_chat_and_a_meeting() {
    let server = Server::start_with(at(FRIDAY_NOON)).await;

    // Staff signs up and creates a client with two emails.
    let boss = server.signup("sam@ace.example").await;
    let staff = boss.token.clone();
    let client = server
        .client(&boss, "Jo Bloggs", &["jo@home.example", "jo@work.example"])
        .await;

    // An invite to an unsaved email is refused; one to a saved email goes out.
    let (status, problem) = server
        .send_invite(&staff, &client, "someone@else.example", all_sections())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let portal = server
        .portal(
            &boss,
            &client,
            "jo@work.example",
            sections_without(&["invoices"]),
        )
        .await;

    // The client sees only the enabled sections.
    let (status, me) = server.fresh("/api/v1/portal/me", &portal).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["name"], "Jo Bloggs");
    assert_eq!(me["business_name"], "Sparks & Sons");
    assert_eq!(me["sections"]["invoices"], false);
    assert_eq!(me["sections"]["quotes"], true);
    let response = server.fresh_raw("/api/v1/portal/invoices", &portal).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        header(response.headers(), "content-type"),
        "application/problem+json"
    );

    // Staff write and send a quote with one optional line, unticked.
    let boiler = json!({"title": "New boiler", "currency": "GBP", "lines": [
        {"description": "Boiler", "quantity": "1", "unit_price": "1200.00",
         "tax_rate": "20", "optional": false, "selected": true},
        {"description": "Magnetic filter", "quantity": "1", "unit_price": "95.50",
         "tax_rate": "20", "optional": true, "selected": false}]});
    let (status, created) = server.draft_quote(&staff, &client, boiler).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let quote = text(&created["quote_id"]);
    let (status, listed) = server.fresh("/api/v1/portal/quotes", &portal).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        listed["quotes"],
        json!([]),
        "a draft is not shown to the client"
    );
    let (status, _) = server.send_quote(&staff, &quote).await;
    assert_eq!(status, StatusCode::OK);

    // The client toggles the optional line and the totals change.
    let portal_quote = format!("/api/v1/portal/quotes/{quote}");
    let (_, shown) = server.fresh(&portal_quote, &portal).await;
    assert_totals(&shown, "1200.00", "240.00", "1440.00");
    let filter = text(&shown["lines"][1]["line_id"]);
    let boiler = text(&shown["lines"][0]["line_id"]);
    let filter_line = format!("{portal_quote}/lines/{filter}");
    let (status, toggled) = server
        .put(&filter_line, Some(&portal), json!({"selected": true}))
        .await;
    assert_eq!(status, StatusCode::OK, "{toggled}");
    assert_totals(&toggled, "1295.50", "259.10", "1554.60");

    // The client comments on a line and staff reply in the same thread.
    for (side, token, comment) in [
        ("/api/v1/portal", &portal, "Which brand is it?"),
        ("/api/v1", &staff, "A Worcester Bosch."),
    ] {
        let comments = format!("{side}/quotes/{quote}/lines/{boiler}/comments");
        let (status, _) = server
            .post(&comments, Some(token), json!({"text": comment}))
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (_, shown) = server.fresh(&portal_quote, &portal).await;
    let thread: Vec<(String, String)> = shown["lines"][0]["comments"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .map(|c| (text(&c["author"]), text(&c["text"])))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        thread,
        [
            ("client".to_owned(), "Which brand is it?".to_owned()),
            ("staff".to_owned(), "A Worcester Bosch.".to_owned())
        ]
    );

    // The revision the client was shown is required; a signature that is
    // not a PNG is refused; a drawn one accepts the quote.
    let no_revision = json!({"name": "Jo Bloggs", "signature": signature()});
    let (status, _) = server.accept(&portal, &quote, no_revision).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let not_a_png = "data:image/png;base64,aGVsbG8=";
    let scribble = json!({"name": "Jo Bloggs", "signature": not_a_png, "revision": 1});
    let (status, _) = server.accept(&portal, &quote, scribble).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let drawn = json!({"name": "Jo Bloggs", "signature": signature(), "revision": 1});
    let (status, accepted) = server.accept(&portal, &quote, drawn.clone()).await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert!(text(&accepted["accepted_at"]).starts_with("2026-12-04T12:"));

    // Locked: no toggle, no second acceptance; both sides see the evidence.
    let (status, _) = server
        .put(&filter_line, Some(&portal), json!({"selected": false}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = server.accept(&portal, &quote, drawn).await;
    assert_eq!(status, StatusCode::CONFLICT);
    for (path, token) in [
        (format!("/api/v1/portal/quotes/{quote}"), &portal),
        (format!("/api/v1/quotes/{quote}"), &staff),
    ] {
        let (_, seen) = server.fresh(&path, token).await;
        assert_eq!(seen["status"], "accepted");
        assert_eq!(seen["acceptance"]["name"], "Jo Bloggs");
        assert_eq!(seen["acceptance"]["accepted_at"], accepted["accepted_at"]);
        assert_eq!(seen["acceptance"]["ip"], "127.0.0.1");
        assert_eq!(seen["totals"]["total"], "1554.60");
    }

    // The client uploads a file; staff see it on the record.
    let (status, uploaded) = server
        .upload(
            "/api/v1/portal/files",
            &portal,
            "kitchen plan.pdf",
            b"%PDF-1.7\n%%EOF\n".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{uploaded}");
    let (_, files) = server
        .fresh(&format!("/api/v1/clients/{client}/files"), &staff)
        .await;
    assert_eq!(files["files"][0]["name"], "kitchen plan.pdf");
    assert_eq!(files["files"][0]["content_type"], "application/pdf");
    assert_eq!(files["files"][0]["uploaded_by"], "client");

    // Messages both ways, with the staff inbox's unread count.
    let (status, _) = server.portal_message(&portal, "When can you start?").await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, inbox) = server.fresh("/api/v1/inbox", &staff).await;
    assert_eq!(inbox["threads"][0]["client_name"], "Jo Bloggs");
    assert_eq!(inbox["threads"][0]["unread"], 1);
    let messages = format!("/api/v1/clients/{client}/messages");
    let (_, thread) = server.fresh(&messages, &staff).await;
    assert_eq!(thread["messages"][0]["text"], "When can you start?");
    let read = format!("{messages}/read");
    let (status, _) = server.post(&read, Some(&staff), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let reply = json!({"text": "Monday."});
    let (status, _) = server.post(&messages, Some(&staff), reply).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, inbox) = server.fresh("/api/v1/inbox", &staff).await;
    assert_eq!(inbox["threads"][0]["unread"], 0);
    let (_, mine) = server.fresh("/api/v1/portal/messages", &portal).await;
    let authors: Vec<String> = list(&mine["messages"])
        .iter()
        .map(|m| text(&m["author"]))
        .collect();
    assert_eq!(authors, ["client", "staff"]);

    // Booking: the first free slot is this afternoon, inside 24 hours, so it
    // cannot be cancelled; a slot on Monday can.
    let (_, slots) = server.fresh("/api/v1/portal/meetings/slots", &portal).await;
    let first = text(&slots["slots"][0]["starts_at"]);
    assert_eq!(first, "2026-12-04T13:00:00Z");
    let (status, soon) = server.book(&portal, &first).await;
    assert_eq!(status, StatusCode::CREATED, "{soon}");
    let soon = text(&soon["appointment_id"]);
    let (status, problem) = server.cancel_meeting(&portal, &soon).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (status, monday) = server.book(&portal, "2026-12-07T10:00:00Z").await;
    assert_eq!(status, StatusCode::CREATED, "{monday}");
    let monday = text(&monday["appointment_id"]);
    let (_, meetings) = server.fresh("/api/v1/portal/meetings", &portal).await;
    let can_cancel: Vec<bool> = list(&meetings["meetings"])
        .iter()
        .map(|m| m["can_cancel"].as_bool().unwrap_or(true))
        .collect();
    assert_eq!(can_cancel, [false, true]);
    let (status, _) = server.cancel_meeting(&portal, &monday).await;
    assert_eq!(status, StatusCode::OK);

    // Staff see everything: inbox, diary and the client's record.
    let (_, diary) = server
        .fresh(
            "/api/v1/diary?from=2026-12-04T00:00:00Z&to=2026-12-08T00:00:00Z",
            &staff,
        )
        .await;
    let entries: Vec<(String, String)> = list(&diary["appointments"])
        .iter()
        .map(|a| (text(&a["starts_at"]), text(&a["status"])))
        .collect();
    assert_eq!(
        entries,
        [
            ("2026-12-04T13:00:00Z".to_owned(), "scheduled".to_owned()),
            ("2026-12-07T10:00:00Z".to_owned(), "cancelled".to_owned())
        ]
    );
    assert_eq!(diary["appointments"][0]["booked_by"], "client");
    let (_, quotes) = server
        .fresh(&format!("/api/v1/clients/{client}/quotes"), &staff)
        .await;
    assert_eq!(quotes["quotes"][0]["status"], "accepted");
    let (_, inbox) = server.fresh("/api/v1/inbox", &staff).await;
    assert_eq!(list(&inbox["threads"]).len(), 1);

    // The master switch: off refuses login and the old session; on again,
    // the same password works.
    let enable = |enabled: bool| server.access(&staff, &client, json!({"enabled": enabled}));
    let (status, _) = enable(false).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server.portal_login("jo@work.example").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server.fresh("/api/v1/portal/me", &portal).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = enable(true).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server.fresh("/api/v1/portal/me", &portal).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the old session stays ended"
    );
    let (status, again) = server.portal_login("jo@work.example").await;
    assert_eq!(status, StatusCode::OK, "{again}");
    let (status, _) = server
        .fresh("/api/v1/portal/me", &text(&again["token"]))
        .await;
    assert_eq!(status, StatusCode::OK);
}

fn list(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn staff_see_their_team_outbox_and_clients_do_not() {
    let server = Server::start_with(at(FRIDAY_NOON)).await;
    let boss = server.signup("mail@ace.example").await;
    let (status, emails) = server.fresh("/api/v1/emails", &boss.token).await;
    assert_eq!(status, StatusCode::OK, "{emails}");
    assert!(emails["emails"].is_array());
    let max = server
        .portal_client(&boss, "Max", "max@home.example", all_sections())
        .await;
    let (status, _) = server.fresh("/api/v1/emails", &max.token).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server.get("/api/v1/emails", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
