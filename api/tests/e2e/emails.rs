//! Every kind of email, as the worker composes it, opened in headless
//! Chromium at phone and desktop width: its call to action is a button
//! linking to the full address, the address is also written out (HTML) and
//! whole in the plain-text part, and nothing scrolls sideways at 375 px.
//! Screenshots: `email-<kind>-<phone|desktop>.png` beside the pages'.

use crate::harness::{Driver, Server, Viewport};
use cma_domain::Aggregate;
use cma_domain::file::FileEvent;
use cma_domain::ids::{AppointmentId, InvoiceId, QuoteId, StaffId, TeamId};
use cma_domain::quote::{Quote, QuoteEvent};
use cma_domain::team::{Branding, StaffMember, Team};
use cma_domain::testing::fixtures::at;
use cma_workers::email::body::{self, Block};
use cma_workers::email::compose::notify::{self, Update};
use cma_workers::email::compose::{access, booking, message, quote, upload};
use cma_workers::email::draft::Draft;
use serde_json::json;

const PORTAL: &str = "https://portal.willow-plumbing.example";

fn team() -> Team {
    Team {
        exists: true,
        id: TeamId::new(),
        business_name: "Willow Plumbing & Heating".to_owned(),
        staff: vec![StaffMember {
            staff: StaffId::new(),
            name: "Sam Willow".to_owned(),
            email: "sam@willow-plumbing.example".to_owned(),
        }],
        branding: Branding {
            accent_colour: Some("#0a7d5a".to_owned()),
            logo: None,
            tagline: Some("Warm homes since 1998".to_owned()),
        },
        contact_email: Some("office@willow-plumbing.example".to_owned()),
        ..Team::default()
    }
}

/// One draft of every kind (the client's copy where both sides get one).
fn drafts() -> Vec<Draft> {
    let team = team();
    let client = "Ada Lovelace-Byron";
    let ada = Some("ada@example.test");
    // A link as long as a real one: an invite token is a long random string.
    let token = "q7Jv3mZ0x9Lk2N4p8R1s6T5u0W3y7A9c2E4g6I8k0M2o4Q6s8U0w2Y4a6C8e0G2i";
    let mut out = vec![
        access::invite(
            &team,
            client,
            "Sam Willow",
            "ada@example.test",
            &format!("{PORTAL}/portal/set-password?token={token}"),
        ),
        access::reset(
            &team,
            client,
            "ada@example.test",
            &format!("{PORTAL}/portal/reset?token={token}"),
            at("2026-12-07T09:00:00Z"),
        ),
    ];
    let uploaded = cma_domain::file::samples::events()
        .into_iter()
        .find_map(|e| match e {
            FileEvent::Uploaded(u) => Some(u),
            _ => None,
        })
        .expect("an upload sample");
    out.push(upload::client_upload(&team, client, ada, &uploaded));
    let details = booking::Booking {
        appointment: AppointmentId::new(),
        starts_at: at("2026-12-09T10:00:00Z"),
        ends_at: at("2026-12-09T11:00:00Z"),
        title: Some("Boiler service"),
        client_name: client,
        client_email: ada,
        recorded_at: at("2026-12-07T08:00:00Z"),
        organizer_email: "portal@willow-plumbing.example",
    };
    out.extend(booking::confirmed(&team, &details).into_iter().take(1));
    out.extend(booking::cancelled(&team, &details).into_iter().take(1));
    let events = cma_domain::quote::samples::events();
    let state = events.iter().fold(Quote::default(), |q, e| q.evolve(e));
    let accepted = events
        .iter()
        .find_map(|e| match e {
            QuoteEvent::Accepted(a) => Some(a.clone()),
            _ => None,
        })
        .expect("an acceptance sample");
    out.push(quote::accepted(
        &team,
        client,
        ada,
        &state,
        &accepted,
        &format!("{PORTAL}/api/v1/audit/quotes/{}/certificate", state.id),
    ));
    out.push(message::to_client(
        &team,
        "ada@example.test",
        "Hello Ada,\n\nThe parts arrived; we can come on Wednesday morning.",
        &format!("{PORTAL}/portal/messages"),
    ));
    out.push(notify::updates(
        &team,
        "ada@example.test",
        &[
            Update::QuoteSent {
                quote: QuoteId::new(),
                title: "Bathroom refit".to_owned(),
                revised: true,
            },
            Update::InvoiceIssued {
                invoice: InvoiceId::new(),
                number: "INV-0042".to_owned(),
            },
            Update::FileShared {
                name: "boiler-warranty-certificate-2026.pdf".to_owned(),
            },
        ],
        PORTAL,
    ));
    out
}

#[tokio::test]
async fn every_email_reads_on_a_phone_and_a_desktop_with_its_link_as_a_button() {
    let server = Server::start().await;
    let driver = Driver::start().await;
    let mut browser = driver.browser(&server, Viewport::Phone).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let drafts = drafts();
    let mut kinds: Vec<&str> = drafts.iter().map(|d| d.kind.as_str()).collect();
    kinds.dedup();
    assert_eq!(kinds.len(), drafts.len(), "one draft per kind: {kinds:?}");

    for draft in &drafts {
        let kind = draft.kind.as_str();
        let html = body::html(&draft.subject, &draft.blocks, &draft.brand);
        let text = body::plain(&draft.blocks, &draft.brand);
        let links: Vec<(&str, &str)> = draft
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Link { label, url } => Some((label.as_str(), url.as_str())),
                _ => None,
            })
            .collect();
        // The plain-text part carries every address whole, on a line of its own.
        for (_, url) in &links {
            assert!(
                text.lines().any(|l| l.trim() == *url),
                "{kind}: the text part lacks {url}:\n{text}"
            );
        }
        let path = dir.path().join(format!("{kind}.html"));
        std::fs::write(&path, &html).expect("write the email");
        browser.set_viewport(Viewport::Phone).await;
        browser.goto(&format!("file://{}", path.display())).await;
        browser.wait_for_text(&draft.brand.business_name).await;

        for (label, url) in &links {
            // The button: a link named by its label, to the full address.
            let href = browser
                .execute(
                    "const [label] = arguments; \
                     const a = [...document.querySelectorAll('a')].find(a => a.textContent.trim() === label); \
                     if (!a) return null; const r = a.getBoundingClientRect(); \
                     return [a.getAttribute('href'), r.width, r.height];",
                    vec![json!(label)],
                )
                .await;
            assert_eq!(href[0], json!(url), "{kind}: the button {label:?}: {href}");
            assert!(
                href[1].as_f64() > Some(40.0) && href[2].as_f64() > Some(30.0),
                "{kind}: the button {label:?} is too small to tap: {href}"
            );
            // The full address written out below it, for copying.
            let visible = browser.visible_text().await;
            assert!(
                visible.replace(['\n', ' '], "").contains(url),
                "{kind}: {url} is not written out:\n{visible}"
            );
        }
        browser
            .assert_no_sideways_scroll(&format!("{kind} at phone width"))
            .await;
        browser.screenshots(&format!("email-{kind}")).await;
    }
    browser.close().await;
}
