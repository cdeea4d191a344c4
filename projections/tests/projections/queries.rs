//! Every view's query answers in docs/api.md's shape, and only within scope.

use crate::support::{self, history::envelope};
use cma_domain::access::{Author, ClientPortal, Sections};
use cma_domain::client::{ClientCreated, ClientEvent, ClientPortalActivated, ClientPortalInvited};
use cma_domain::conversation::{ConversationEvent, MarkedRead, MessagePosted, Side};
use cma_domain::diary::{AppointmentBooked, CancellationWindowClosed, DiaryEvent};
use cma_domain::file::{FileEvent, FileUploaded};
use cma_domain::ids::*;
use cma_domain::invoice::{Invoice, InvoiceCommand, InvoiceEvent, LineInput, PaymentRecorded};
use cma_domain::money::Currency;
use cma_domain::quote::{
    Acceptance, Quote, QuoteCommand, QuoteDrafted, QuoteEvent, QuoteLine, QuoteLineCommented,
    QuoteLineToggled, QuoteSent,
};
use cma_domain::schedule::Schedule;
use cma_domain::team::{StaffMember, TeamContactEmailChanged, TeamCreated, TeamEvent, template};
use cma_domain::testing::fixtures::{at, d};
use cma_domain::{Aggregate, Event};
use cma_projections::queries::{self, Scope};
use cma_projections::{ReadDb, RunnerConfig};
use cma_store::{Actor, EventStore, Expected, StreamId};
use serde_json::json;
use std::sync::Arc;

const NOW: &str = "2026-06-10T12:00:00Z";

struct Ids {
    team: TeamId,
    other_team: TeamId,
    client: ClientId,
    other_client: ClientId,
    quote: QuoteId,
    draft: QuoteId,
    invoice: InvoiceId,
    /// Issued after `invoice`, paid in two payments recorded on different days.
    later_invoice: InvoiceId,
    file: FileId,
    soon: AppointmentId,
    later: AppointmentId,
    closed: AppointmentId,
}

async fn record(
    store: &Arc<dyn EventStore>,
    stream: StreamId,
    events: Vec<Event>,
    actor: Actor,
    when: &str,
) {
    let events = events
        .iter()
        .map(|e| envelope(e, actor, at(when)))
        .collect();
    store
        .append(&stream, Expected::Any, events)
        .await
        .expect("append");
}

fn line(
    description: &str,
    quantity: &str,
    price: &str,
    rate: &str,
    optional: bool,
    selected: bool,
) -> QuoteLine {
    QuoteLine {
        id: LineId::new(),
        description: description.into(),
        quantity: d(quantity),
        unit_price: d(price),
        tax_rate: d(rate),
        optional,
        selected,
    }
}

/// One team with one active client who has a bit of everything, and
/// another team with its own client.
async fn scenario(store: &Arc<dyn EventStore>) -> Ids {
    let (team, other_team, staff, other_staff) =
        (TeamId::new(), TeamId::new(), StaffId::new(), StaffId::new());
    let (client, other_client) = (ClientId::new(), ClientId::new());
    for (t, s, name) in [
        (team, staff, "Pipes & Co"),
        (other_team, other_staff, "Other Trade"),
    ] {
        let created = TeamCreated {
            team: t,
            business_name: name.into(),
            owner: StaffMember {
                staff: s,
                name: "Owner".into(),
                email: format!("{}@example.com", s.0.simple()),
            },
            schedule: Schedule::default(),
            invite_email: template::default_invite(),
            at: at("2026-06-01T08:00:00Z"),
        };
        record(
            store,
            StreamId::new("team", t.0),
            vec![TeamEvent::Created(created).into()],
            Actor::Staff(s.0),
            "2026-06-01T08:00:00Z",
        )
        .await;
    }
    let sections = Sections::ALL;
    let client_events: Vec<Event> = vec![
        ClientEvent::Created(ClientCreated {
            client,
            team,
            name: "Ada".into(),
            emails: vec!["ada@example.com".into(), "ada@work.example".into()],
            by: staff,
            at: at("2026-06-01T09:00:00Z"),
        })
        .into(),
        ClientEvent::PortalInvited(ClientPortalInvited {
            email: "ada@example.com".into(),
            sections,
            by: staff,
            at: at("2026-06-01T09:05:00Z"),
        })
        .into(),
        ClientEvent::PortalActivated(ClientPortalActivated {
            at: at("2026-06-01T10:00:00Z"),
        })
        .into(),
    ];
    record(
        store,
        StreamId::new("client", client.0),
        client_events,
        Actor::Staff(staff.0),
        "2026-06-01T09:00:00Z",
    )
    .await;
    let other: Vec<Event> = vec![
        ClientEvent::Created(ClientCreated {
            client: other_client,
            team: other_team,
            name: "Bob".into(),
            emails: vec![],
            by: other_staff,
            at: at("2026-06-01T09:00:00Z"),
        })
        .into(),
    ];
    record(
        store,
        StreamId::new("client", other_client.0),
        other,
        Actor::Staff(other_staff.0),
        "2026-06-01T09:00:00Z",
    )
    .await;

    // A sent quote: one required line, one optional line the client ticks; comments; acceptance.
    let (quote, draft) = (QuoteId::new(), QuoteId::new());
    let boiler = line("Boiler", "2", "10.00", "20", false, true);
    let filter = line("Filter", "1", "5.555", "0", true, false);
    let (boiler_id, filter_id) = (boiler.id, filter.id);
    let drafted = QuoteDrafted {
        quote,
        team,
        client,
        title: "New boiler".into(),
        currency: Currency::default(),
        expires_on: Some(jiff::civil::date(2026, 7, 1)),
        lines: vec![boiler, filter],
        by: staff,
        at: at("2026-06-02T09:00:00Z"),
    };
    let mut history = vec![
        QuoteEvent::Drafted(drafted),
        QuoteEvent::Sent(QuoteSent {
            by: staff,
            at: at("2026-06-02T09:10:00Z"),
        }),
        QuoteEvent::LineToggled(QuoteLineToggled {
            line: filter_id,
            selected: true,
            by: client,
            at: at("2026-06-02T10:00:00Z"),
        }),
        QuoteEvent::LineCommented(QuoteLineCommented {
            comment: CommentId::new(),
            line: boiler_id,
            text: "Which brand?".into(),
            by: Author::Client(client),
            at: at("2026-06-02T10:01:00Z"),
        }),
        QuoteEvent::LineCommented(QuoteLineCommented {
            comment: CommentId::new(),
            line: boiler_id,
            text: "Worcester.".into(),
            by: Author::Staff(staff),
            at: at("2026-06-02T10:02:00Z"),
        }),
    ];
    let portal = ClientPortal {
        client,
        enabled: true,
        sections,
    };
    let acceptance = Acceptance {
        team,
        by: portal,
        session: SessionId::new(),
        name: "Ada Lovelace".into(),
        signature_png: cma_domain::quote::signature::tiny_png(2, 1),
        ip: "192.0.2.7".parse().expect("ip"),
        user_agent: "test".into(),
        revision: Some(1),
        time_zone: jiff::tz::TimeZone::UTC,
        login_email: None,
        login_invite: None,
    };
    let accepted = Quote::replay(&history)
        .decide(
            QuoteCommand::Accept(Box::new(acceptance)),
            at("2026-06-03T11:00:00Z"),
        )
        .expect("accept");
    history.extend(accepted);
    record(
        store,
        StreamId::new("quote", quote.0),
        history.into_iter().map(Event::from).collect(),
        Actor::Client(client.0),
        "2026-06-02T09:00:00Z",
    )
    .await;
    let unsent = QuoteDrafted {
        quote: draft,
        team,
        client,
        title: "Extension".into(),
        currency: Currency::default(),
        expires_on: None,
        lines: vec![line("Walls", "1", "100", "20", false, true)],
        by: staff,
        at: at("2026-06-04T09:00:00Z"),
    };
    record(
        store,
        StreamId::new("quote", draft.0),
        vec![QuoteEvent::Drafted(unsent).into()],
        Actor::Staff(staff.0),
        "2026-06-04T09:00:00Z",
    )
    .await;

    // An invoice due yesterday, part paid: overdue.
    let invoice = InvoiceId::new();
    let issue = InvoiceCommand::Issue {
        invoice,
        client,
        staff,
        number: "INV-1".into(),
        currency: Currency::default(),
        due_on: jiff::civil::date(2026, 6, 9),
        lines: vec![LineInput {
            description: "Labour".into(),
            quantity: d("2"),
            unit_price: d("10.00"),
            tax_rate: d("20"),
        }],
    };
    let mut invoice_events = Invoice::default()
        .decide(issue, at("2026-06-05T09:00:00Z"))
        .expect("issue");
    invoice_events.push(InvoiceEvent::PaymentRecorded(PaymentRecorded {
        payment: Some(PaymentId::new()),
        invoice,
        by: staff,
        amount: d("10.00"),
        paid_on: jiff::civil::date(2026, 6, 6),
    }));
    record(
        store,
        StreamId::new("invoice", invoice.0),
        invoice_events.into_iter().map(Event::from).collect(),
        Actor::Staff(staff.0),
        "2026-06-05T09:00:00Z",
    )
    .await;
    let later_invoice = InvoiceId::new();
    let issue = InvoiceCommand::Issue {
        invoice: later_invoice,
        client,
        staff,
        number: "INV-2".into(),
        currency: Currency::from_code("EUR").expect("EUR"),
        due_on: jiff::civil::date(2026, 6, 30),
        lines: vec![LineInput {
            description: "Parts".into(),
            quantity: d("1"),
            unit_price: d("30.00"),
            tax_rate: d("0"),
        }],
    };
    let issued = Invoice::default()
        .decide(issue, at("2026-06-07T09:00:00Z"))
        .expect("issue");
    let stream = StreamId::new("invoice", later_invoice.0);
    for (events, when) in [
        (issued, "2026-06-07T09:00:00Z"),
        (
            vec![InvoiceEvent::PaymentRecorded(PaymentRecorded {
                payment: Some(PaymentId::new()),
                invoice: later_invoice,
                by: staff,
                amount: d("20.00"),
                paid_on: jiff::civil::date(2026, 6, 8),
            })],
            "2026-06-09T10:00:00Z",
        ),
        (
            vec![InvoiceEvent::PaymentRecorded(PaymentRecorded {
                payment: Some(PaymentId::new()),
                invoice: later_invoice,
                by: staff,
                amount: d("5.00"),
                paid_on: jiff::civil::date(2026, 6, 7),
            })],
            "2026-06-09T11:00:00Z",
        ),
    ] {
        record(
            store,
            stream.clone(),
            events.into_iter().map(Event::from).collect(),
            Actor::Staff(staff.0),
            when,
        )
        .await;
    }

    let file = FileId::new();
    let upload = FileUploaded {
        file,
        client,
        by: Author::Client(client),
        name: "kitchen.png".into(),
        content_type: "image/png".into(),
        size: 1234,
        sha256: "ab".repeat(32),
        storage_key: format!("files/{file}"),
    };
    record(
        store,
        StreamId::new("file", file.0),
        vec![FileEvent::Uploaded(upload).into()],
        Actor::Client(client.0),
        "2026-06-06T09:00:00Z",
    )
    .await;

    let first = MessageId::new();
    let messages: Vec<Event> = vec![
        ConversationEvent::Posted(MessagePosted {
            message: first,
            client,
            author: Author::Client(client),
            text: "Hello".into(),
        })
        .into(),
        ConversationEvent::Posted(MessagePosted {
            message: MessageId::new(),
            client,
            author: Author::Staff(staff),
            text: "Hi Ada".into(),
        })
        .into(),
        ConversationEvent::MarkedRead(MarkedRead {
            client,
            side: Side::Staff,
            up_to: first,
            by: Author::Staff(staff),
        })
        .into(),
        ConversationEvent::Posted(MessagePosted {
            message: MessageId::new(),
            client,
            author: Author::Client(client),
            text: "When can you come?".into(),
        })
        .into(),
    ];
    record(
        store,
        StreamId::new("conversation", client.0),
        messages,
        Actor::Client(client.0),
        "2026-06-07T09:00:00Z",
    )
    .await;

    let (soon, later, closed) = (
        AppointmentId::new(),
        AppointmentId::new(),
        AppointmentId::new(),
    );
    let booked = |appointment, starts: &str, ends: &str| -> Event {
        DiaryEvent::Booked(AppointmentBooked {
            appointment,
            client,
            starts_at: at(starts),
            ends_at: at(ends),
        })
        .into()
    };
    let diary = vec![
        booked(soon, "2026-06-11T09:00:00Z", "2026-06-11T10:00:00Z"),
        booked(later, "2026-06-15T09:00:00Z", "2026-06-15T10:00:00Z"),
        booked(closed, "2026-06-12T09:00:00Z", "2026-06-12T10:00:00Z"),
        DiaryEvent::WindowClosed(CancellationWindowClosed {
            appointment: closed,
        })
        .into(),
    ];
    record(
        store,
        StreamId::new("diary", team.0),
        diary,
        Actor::Client(client.0),
        "2026-06-08T09:00:00Z",
    )
    .await;
    Ids {
        team,
        other_team,
        client,
        other_client,
        quote,
        draft,
        invoice,
        later_invoice,
        file,
        soon,
        later,
        closed,
    }
}

/// A query's answer as JSON.
fn value<T: serde::Serialize, E: std::fmt::Debug>(answer: Result<T, E>) -> serde_json::Value {
    serde_json::to_value(answer.expect("the query answers")).expect("serialisable")
}

/// Whether a query found what it was asked for.
fn found<T, E: std::fmt::Debug>(answer: Result<Option<T>, E>) -> bool {
    answer.expect("the query answers").is_some()
}

async fn every_view_answers_in_shape(db: &ReadDb, store: &Arc<dyn EventStore>) {
    let ids = scenario(store).await;
    let running = support::start_all(db, store, RunnerConfig::default());
    support::caught_up(db, store).await;
    running.stop().await;
    let now = at(NOW);
    let staff = Scope::Team(ids.team);
    let portal = Scope::Client {
        team: ids.team,
        client: ids.client,
    };
    let (c, q) = (ids.client.to_string(), ids.quote.to_string());

    let settings = value(queries::team::settings(db, ids.team).await);
    assert_eq!(settings["business_name"], "Pipes & Co");
    assert_eq!(settings["time_zone"], "Europe/London");
    assert_eq!(settings["slot_minutes"], 60);
    assert_eq!(
        settings["working_hours"]["mon"],
        json!([["09:00", "17:00"]])
    );
    assert_eq!(settings["working_hours"]["sun"], json!([]));
    assert!(settings["invite_email"]["subject"].is_string());
    assert_eq!(
        settings["branding"],
        json!({}),
        "branding without a colour, logo or tagline leaves each field out"
    );

    let list = value(queries::clients::list(db, ids.team).await);
    assert_eq!(
        list,
        json!({"clients": [{"client_id": c, "name": "Ada", "emails": ["ada@example.com", "ada@work.example"], "portal": {"status": "active"}}]})
    );
    let record = value(queries::clients::get(db, ids.team, ids.client).await);
    assert_eq!(
        record["portal"],
        json!({
            "status": "active", "invite_email": "ada@example.com", "enabled": true,
            "sections": {"quotes": true, "invoices": true, "files": true, "meetings": true, "messages": true},
            "invited_at": "2026-06-01T09:05:00Z", "notifications_email": true
        })
    );
    assert!(!found(
        queries::clients::get(db, ids.team, ids.other_client).await
    ));
    let me = value(queries::clients::me(db, ids.team, ids.client).await);
    assert_eq!(me["business_name"], "Pipes & Co");
    assert_eq!(me["sections"]["files"], true);
    assert_eq!(me["notifications"], json!({"email": true}));

    let view = value(queries::quotes::get(db, portal, ids.quote, now).await);
    assert_eq!(view["quote_id"], q);
    assert_eq!(view["client_id"], c);
    assert_eq!(view["status"], "accepted");
    assert_eq!(view["revision"], 1);
    assert_eq!(view["currency"], "GBP");
    assert_eq!(view["expires_on"], "2026-07-01");
    assert_eq!(
        view["totals"],
        json!({"subtotal": "25.56", "tax": "4.00", "total": "29.56"})
    );
    assert_eq!(view["lines"][0]["net"], "20.00");
    assert_eq!(view["lines"][0]["tax"], "4.00");
    assert_eq!(view["lines"][0]["total"], "24.00");
    assert_eq!(view["lines"][1]["optional"], true);
    assert_eq!(view["lines"][1]["selected"], true);
    assert_eq!(view["lines"][1]["net"], "5.56");
    assert_eq!(
        view["lines"][0]["comments"],
        json!([
            {"author": "client", "text": "Which brand?", "at": "2026-06-02T10:01:00Z"},
            {"author": "staff", "text": "Worcester.", "at": "2026-06-02T10:02:00Z"}
        ])
    );
    assert_eq!(
        view["acceptance"],
        json!({"name": "Ada Lovelace", "accepted_at": "2026-06-03T11:00:00Z", "ip": "192.0.2.7"})
    );
    assert!(
        !found(queries::quotes::get(db, portal, ids.draft, now).await),
        "drafts are not in the portal"
    );
    assert!(found(queries::quotes::get(db, staff, ids.draft, now).await));
    assert!(!found(
        queries::quotes::get(db, Scope::Team(ids.other_team), ids.quote, now).await
    ));
    let staff_list = value(queries::quotes::list(db, staff, ids.client, now).await);
    assert_eq!(
        staff_list,
        json!({"quotes": [
            {"quote_id": ids.draft.to_string(), "title": "Extension", "status": "draft", "revision": 1,
             "currency": "GBP", "created_at": "2026-06-04T09:00:00Z",
             "totals": {"subtotal": "100.00", "tax": "20.00", "total": "120.00"}},
            {"quote_id": q, "title": "New boiler", "status": "accepted", "revision": 1,
             "currency": "GBP", "created_at": "2026-06-02T09:00:00Z", "sent_at": "2026-06-02T09:10:00Z",
             "expires_on": "2026-07-01",
             "totals": {"subtotal": "25.56", "tax": "4.00", "total": "29.56"}}
        ]}),
        "newest first; a draft has no sent_at, a quote without expiry no expires_on"
    );
    let portal_list = value(queries::quotes::list(db, portal, ids.client, now).await);
    assert_eq!(
        portal_list,
        json!({"quotes": [{"quote_id": q, "title": "New boiler", "status": "accepted", "revision": 1,
        "currency": "GBP", "created_at": "2026-06-02T09:00:00Z", "sent_at": "2026-06-02T09:10:00Z",
        "expires_on": "2026-07-01", "totals": {"subtotal": "25.56", "tax": "4.00", "total": "29.56"}}]})
    );
    assert!(!found(
        queries::quotes::list(db, portal, ids.other_client, now).await
    ));

    let invoices = value(queries::invoices::list(db, portal, ids.client, now).await);
    assert_eq!(
        invoices,
        json!({"invoices": [
            {"invoice_id": ids.later_invoice.to_string(), "number": "INV-2", "status": "part_paid",
             "currency": "EUR", "totals": {"subtotal": "30.00", "tax": "0.00", "total": "30.00"},
             "amount_due": "5.00", "due_on": "2026-06-30", "issued_at": "2026-06-07T09:00:00Z"},
            {"invoice_id": ids.invoice.to_string(), "number": "INV-1", "status": "overdue",
             "currency": "GBP", "totals": {"subtotal": "20.00", "tax": "4.00", "total": "24.00"},
             "amount_due": "14.00", "due_on": "2026-06-09", "issued_at": "2026-06-05T09:00:00Z"}
        ]}),
        "newest first"
    );
    let invoice =
        value(queries::invoices::get(db, staff, ids.invoice, at("2026-06-08T12:00:00Z")).await);
    assert_eq!(invoice["status"], "part_paid");
    assert_eq!(invoice["amount_paid"], "10.00");
    assert_eq!(invoice["due_on"], "2026-06-09");
    assert_eq!(invoice["currency"], "GBP");
    assert_eq!(invoice["issued_at"], "2026-06-05T09:00:00Z");
    assert_eq!(
        invoice["payments"],
        json!([{"amount": "10.00", "paid_on": "2026-06-06", "recorded_at": "2026-06-05T09:00:00Z"}])
    );
    let later = value(queries::invoices::get(db, portal, ids.later_invoice, now).await);
    assert_eq!(later["status"], "part_paid");
    assert_eq!(later["amount_paid"], "25.00");
    assert_eq!(
        later["payments"],
        json!([
            {"amount": "20.00", "paid_on": "2026-06-08", "recorded_at": "2026-06-09T10:00:00Z"},
            {"amount": "5.00", "paid_on": "2026-06-07", "recorded_at": "2026-06-09T11:00:00Z"}
        ]),
        "in the order recorded"
    );
    assert_eq!(
        invoice["lines"],
        json!([{"description": "Labour", "quantity": "2", "unit_price": "10.00", "tax_rate": "20", "net": "20.00", "tax": "4.00", "total": "24.00"}])
    );
    assert!(!found(
        queries::invoices::get(db, Scope::Team(ids.other_team), ids.invoice, now).await
    ));

    let files = value(queries::files::list(db, staff, ids.client).await);
    assert_eq!(
        files,
        json!({"files": [{"file_id": ids.file.to_string(), "name": "kitchen.png", "content_type": "image/png",
        "size": 1234, "uploaded_by": "client", "uploaded_at": "2026-06-06T09:00:00Z"}]})
    );
    let content = queries::files::content(db, portal, ids.file)
        .await
        .expect("content")
        .expect("own file");
    assert_eq!(content.storage_key, format!("files/{}", ids.file));
    assert!(!found(
        queries::files::content(db, Scope::Team(ids.other_team), ids.file).await
    ));

    let messages = value(queries::messages::list(db, portal, ids.client).await);
    assert_eq!(messages["messages"].as_array().map(Vec::len), Some(3));
    assert_eq!(messages["messages"][1]["author"], "staff");
    assert_eq!(messages["messages"][1]["text"], "Hi Ada");
    let inbox = value(queries::messages::inbox(db, ids.team).await);
    assert_eq!(
        inbox,
        json!({"threads": [{"client_id": c, "client_name": "Ada", "last_message_at": "2026-06-07T09:00:00Z", "unread": 1}]})
    );
    assert_eq!(
        messages["unread"], 1,
        "the staff message the client has not read"
    );
    assert_eq!(
        value(queries::messages::inbox(db, ids.other_team).await),
        json!({"threads": []})
    );

    let diary = value(
        queries::diary::list(
            db,
            ids.team,
            at("2026-06-01T00:00:00Z"),
            at("2026-06-13T00:00:00Z"),
        )
        .await,
    );
    assert_eq!(diary["appointments"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        diary["appointments"][0],
        json!({"appointment_id": ids.soon.to_string(), "client_id": c,
        "starts_at": "2026-06-11T09:00:00Z", "ends_at": "2026-06-11T10:00:00Z", "status": "scheduled", "booked_by": "client"})
    );
    let meetings = value(queries::diary::meetings(db, ids.team, ids.client, now).await);
    let can_cancel: Vec<(String, bool)> = meetings["meetings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            (
                m["appointment_id"].as_str().unwrap_or_default().to_owned(),
                m["can_cancel"] == true,
            )
        })
        .collect();
    assert_eq!(
        can_cancel,
        vec![
            (ids.soon.to_string(), false),   // within 24 h of the start
            (ids.closed.to_string(), false), // the window-closed event is honoured
            (ids.later.to_string(), true),
        ]
    );

    let audited = queries::audit::quote(db, ids.team, ids.quote)
        .await
        .expect("audit")
        .expect("own quote");
    assert_eq!(audited.stream_id, format!("quote-{}", ids.quote));
    assert!(!found(
        queries::audit::quote(db, ids.other_team, ids.quote).await
    ));
}

#[tokio::test]
async fn every_view_answers_in_shape_on_sqlite() {
    let s = support::sqlite().await;
    every_view_answers_in_shape(&s.db, &s.store).await;
}

#[tokio::test]
async fn every_view_answers_in_shape_on_postgres() {
    let pg = support::postgres().await;
    every_view_answers_in_shape(&pg.db, &pg.store).await;
    pg.db.close().await;
}

/// The quote view's title as read now, for `scope`.
async fn title_read(db: &ReadDb, scope: Scope, quote: QuoteId) -> String {
    queries::quotes::get(db, scope, quote, at(NOW))
        .await
        .expect("the query answers")
        .expect("the quote is in scope")
        .title
}

/// Changes the quote's title in its table behind the runners' back, as
/// only another process (a rebuild's swap) could.
async fn retitle_behind(db: &ReadDb, quote: QuoteId, title: &str) {
    sqlx::query("UPDATE quotes SET title = $1 WHERE quote_id = $2")
        .bind(title)
        .bind(quote.to_string())
        .execute(db.pool())
        .await
        .expect("retitle");
}

/// Appends `event` to `stream` as `actor` and waits until every projector
/// has applied it.
async fn projected(
    s: &support::SqliteSetup,
    db: &ReadDb,
    stream: StreamId,
    event: Event,
    actor: Actor,
) {
    record(&s.store, stream, vec![event], actor, "2026-06-03T10:00:00Z").await;
    support::caught_up(db, &s.store).await;
}

#[tokio::test]
async fn a_kept_quote_view_is_served_until_a_batch_of_its_streams_changes_it() {
    let s = support::sqlite().await;
    let db = s.db.clone().keeping_views();
    let ids = scenario(&s.store).await;
    let config = RunnerConfig {
        poll_interval: std::time::Duration::from_millis(100),
        ..RunnerConfig::default()
    };
    let running = support::start_all(&db, &s.store, config);
    support::caught_up(&db, &s.store).await;
    let (portal, staff) = (
        Scope::Client {
            team: ids.team,
            client: ids.client,
        },
        Scope::Team(ids.team),
    );
    let drafted = title_read(&db, portal, ids.quote).await;

    // Kept: a change no runner made is not seen, by that reader; another
    // reader's view is read (and kept) afresh.
    retitle_behind(&db, ids.quote, "Behind").await;
    assert_eq!(title_read(&db, portal, ids.quote).await, drafted);
    assert_eq!(title_read(&db, staff, ids.quote).await, "Behind");
    // A handle that keeps nothing reads the tables.
    assert_eq!(title_read(&s.db, portal, ids.quote).await, "Behind");

    // A batch with an event of another stream leaves the view kept; one of
    // the quote's own stream drops it, for every reader, before the batch
    // is reported: a read that waits for the batch reads the tables.
    let view = queries::quotes::get(&db, portal, ids.quote, at(NOW))
        .await
        .expect("the query answers")
        .expect("in scope");
    let first_line = |view: &queries::quotes::QuoteView| {
        LineId(uuid::Uuid::parse_str(&view.lines[0].line_id).expect("a line id"))
    };
    let comment = |line: LineId, text: &str| -> Event {
        QuoteEvent::LineCommented(QuoteLineCommented {
            comment: CommentId::new(),
            line,
            text: text.into(),
            by: Author::Client(ids.client),
            at: at("2026-06-03T10:00:00Z"),
        })
        .into()
    };
    let draft = queries::quotes::get(&db, staff, ids.draft, at(NOW))
        .await
        .expect("the query answers")
        .expect("in scope");
    let client = Actor::Client(ids.client.0);
    let on_draft = comment(first_line(&draft), "On the draft");
    projected(
        &s,
        &db,
        StreamId::new("quote", ids.draft.0),
        on_draft,
        client,
    )
    .await;
    assert_eq!(title_read(&db, portal, ids.quote).await, drafted);
    // Nor does one of another stream named by the team's id (its diary).
    let booked = DiaryEvent::Booked(AppointmentBooked {
        appointment: AppointmentId::new(),
        client: ids.client,
        starts_at: at("2026-06-20T09:00:00Z"),
        ends_at: at("2026-06-20T10:00:00Z"),
    });
    projected(
        &s,
        &db,
        StreamId::new("diary", ids.team.0),
        booked.into(),
        client,
    )
    .await;
    assert_eq!(title_read(&db, portal, ids.quote).await, drafted);
    // One of the team's own stream drops the team's views (they show its
    // time zone's day).
    let contact = TeamEvent::ContactEmailChanged(TeamContactEmailChanged {
        contact_email: "office@example.com".into(),
        by: StaffId::new(),
        at: at("2026-06-03T10:00:00Z"),
    });
    let staff_member = Actor::Staff(uuid::Uuid::new_v4());
    projected(
        &s,
        &db,
        StreamId::new("team", ids.team.0),
        contact.into(),
        staff_member,
    )
    .await;
    assert_eq!(title_read(&db, portal, ids.quote).await, "Behind");
    for round in 0..20 {
        retitle_behind(&db, ids.quote, &format!("Round {round}")).await;
        record(
            &s.store,
            StreamId::new("quote", ids.quote.0),
            vec![comment(first_line(&view), &format!("Note {round}"))],
            client,
            "2026-06-03T10:00:00Z",
        )
        .await;
        let head = s.store.head().await.expect("head");
        assert!(
            cma_projections::wait_watching(&db, &running.watch(), head, cma_projections::MAX_WAIT)
                .await
                .expect("wait")
        );
        // Read from the tables as they are after the batch.
        assert_eq!(
            title_read(&db, portal, ids.quote).await,
            title_read(&s.db, portal, ids.quote).await
        );
        let comments = queries::quotes::get(&db, staff, ids.quote, at(NOW))
            .await
            .expect("the query answers")
            .expect("in scope")
            .lines[0]
            .comments
            .len();
        assert_eq!(comments, view.lines[0].comments.len() + round + 1);
    }

    // Tables swapped in by another process (the schema changed): every
    // kept view is dropped within a poll interval.
    retitle_behind(&db, ids.quote, "Swapped").await;
    assert_eq!(title_read(&db, portal, ids.quote).await, drafted);
    sqlx::query("CREATE TABLE swapped_in (x INTEGER)")
        .execute(db.pool())
        .await
        .expect("change the schema");
    let mut seen = String::new();
    for _ in 0..50 {
        seen = title_read(&db, portal, ids.quote).await;
        if seen == "Swapped" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(seen, "Swapped");
    running.stop().await;
}
