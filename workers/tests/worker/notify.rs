//! Clients hear when something waits in their portal: a quote sent, an
//! invoice issued, a file shared by staff, grouped within the quiet period,
//! only for sections that are on and portals that are theirs.

use crate::fixtures::{
    Env, PUBLIC_URL, Parsed, Running, Seed, at, config, invited, parse, required_line,
};
use cma_domain::access::{By, Sections};
use cma_domain::client::{Client, ClientCommand};
use cma_domain::ids::{InvoiceId, PaymentId, QuoteId};
use cma_domain::invoice::{Invoice, InvoiceCommand, LineInput};
use cma_domain::testing::fixtures::gbp;
use cma_store::Clock;
use cma_testkit::smtp::Smtp;
use cma_workers::email::TransportSettings;
use rust_decimal::Decimal;
use std::time::Duration;

async fn send_quote(env: &Env, seed: &Seed) -> QuoteId {
    let boiler = vec![required_line("Boiler", 1200, 20)];
    env.sent_quote(seed, "New boiler", None, boiler).await
}

/// `mail` tells of the quote sent by [`send_quote`] and links to it.
fn assert_quote_notice(mail: &Parsed, quote: QuoteId) {
    let subject = mail.header("Subject");
    assert_eq!(subject, "New quote from Pipe & Co: New boiler");
    let link = format!("{PUBLIC_URL}/portal/quotes/{quote}");
    assert!(mail.text.contains(&link), "{link} missing:\n{}", mail.text);
}

async fn issue_invoice(env: &Env, seed: &Seed) -> InvoiceId {
    let invoice = InvoiceId::new();
    env.run::<Invoice>(
        invoice.0,
        seed.owner,
        InvoiceCommand::Issue {
            invoice,
            client: seed.client,
            staff: seed.owner,
            number: "INV-0007".to_owned(),
            currency: gbp(),
            due_on: jiff::civil::date(2026, 12, 31),
            lines: vec![LineInput {
                description: "Call-out".to_owned(),
                quantity: Decimal::ONE,
                unit_price: Decimal::from(80),
                tax_rate: Decimal::ZERO,
            }],
        },
    )
    .await;
    invoice
}

async fn share_file(env: &Env, seed: &Seed) {
    env.upload(seed, By::Staff(seed.owner), "warranty.pdf")
        .await;
}

async fn change_access(env: &Env, seed: &Seed, enabled: Option<bool>, sections: Option<Sections>) {
    env.run::<Client>(
        seed.client.0,
        seed.owner,
        ClientCommand::ChangeAccess {
            team: seed.team,
            by: seed.owner,
            enabled,
            sections,
        },
    )
    .await;
}

/// The client turns portal-update emails on or off in the portal.
async fn notifications(env: &Env, seed: &Seed, on: bool) {
    env.run::<Client>(
        seed.client.0,
        seed.owner,
        ClientCommand::ChangeEmailNotifications {
            client: seed.client,
            on,
        },
    )
    .await;
}

/// A worker with a quiet period of `quiet`, until `n` messages arrived.
async fn received(env: &Env, quiet: Duration, n: usize) -> Vec<cma_testkit::smtp::Received> {
    received_at(env, env.now, quiet, n).await
}

/// How many emails a worker whose clock starts at `now` sends in 3 s.
async fn sent_in_three_seconds(env: &Env, now: cma_domain::Timestamp, quiet: Duration) -> usize {
    let smtp = Smtp::start();
    let mut settings = config(TransportSettings::smtp(smtp.url()));
    settings.email.quiet_period = quiet;
    let worker = Running::start(env, settings, Clock::starting_at(now));
    tokio::time::sleep(Duration::from_secs(3)).await;
    worker.stop().await;
    smtp.received().len()
}

/// The same with the worker's clock starting at `now`.
async fn received_at(
    env: &Env,
    now: cma_domain::Timestamp,
    quiet: Duration,
    n: usize,
) -> Vec<cma_testkit::smtp::Received> {
    let smtp = Smtp::start();
    let mut settings = config(TransportSettings::smtp(smtp.url()));
    settings.email.quiet_period = quiet;
    let worker = Running::start(env, settings, Clock::starting_at(now));
    let got = smtp.wait_for(n).await;
    // Nothing more comes once the quiet period is over.
    tokio::time::sleep(quiet + Duration::from_secs(2)).await;
    let mut all = smtp.wait_for(n).await;
    worker.stop().await;
    assert_eq!(all.len(), got.len(), "more emails than expected");
    // In the order of their events (Message-IDs start with the event's
    // time-ordered id), whatever order the conversations finished in.
    all.sort_by_cached_key(|r| parse(&r.data).header("Message-ID").to_owned());
    all
}

#[tokio::test]
async fn a_quote_an_invoice_and_a_shared_file_within_the_quiet_period_make_one_email() {
    let (env, seed) = invited("2026-12-04T12:00:00Z", 0).await;
    let quote = send_quote(&env, &seed).await;
    let invoice = issue_invoice(&env, &seed).await;
    share_file(&env, &seed).await;
    let got = received(&env, Duration::from_secs(2), 2).await;
    let updates: Vec<_> = got
        .iter()
        .map(|r| parse(&r.data))
        .filter(|m| !m.header("Subject").contains("client portal"))
        .collect();
    assert_eq!(updates.len(), 1, "one email for the three updates");
    let mail = &updates[0];
    assert_eq!(mail.header("To"), "ann@client.test");
    assert_eq!(
        mail.header("Subject"),
        "3 new things from Pipe & Co in your portal"
    );
    assert_eq!(mail.header("Reply-To"), "Pipe & Co <bob@pipe.test>");
    for link in [
        format!("{PUBLIC_URL}/portal/quotes/{quote}"),
        format!("{PUBLIC_URL}/portal/invoices/{invoice}"),
        format!("{PUBLIC_URL}/portal/files"),
    ] {
        assert!(mail.text.contains(&link), "{link} missing:\n{}", mail.text);
        assert!(mail.html.contains(&format!("href=\"{link}\"")), "{link}");
    }
    assert!(
        mail.text
            .contains("Pipe & Co sent you a quote: \"New boiler\".")
    );
    assert!(mail.text.contains("Pipe & Co issued invoice INV-0007."));
    assert!(
        mail.text
            .contains("Pipe & Co shared a file with you: warranty.pdf.")
    );
}

#[tokio::test]
async fn each_kind_alone_names_the_business_and_links_to_its_page() {
    let (env, seed) = invited("2026-12-04T12:00:00Z", 0).await;
    let quote = send_quote(&env, &seed).await;
    let got = received(&env, Duration::from_millis(300), 2).await;
    assert_quote_notice(&parse(&got[1].data), quote);
}

#[tokio::test]
async fn nothing_for_a_section_that_is_off_a_suspended_portal_or_a_client_not_invited() {
    // Not invited: nothing at all.
    let env = Env::sqlite(at("2026-12-04T12:00:00Z")).await;
    let seed = env.seed(0).await;
    send_quote(&env, &seed).await;
    share_file(&env, &seed).await;
    let sent = sent_in_three_seconds(&env, env.now, Duration::from_millis(300)).await;
    assert_eq!(sent, 0, "a client not invited hears nothing");

    // Quotes off: the invoice is emailed, the quote is not.
    let (env, seed) = invited("2026-12-04T12:00:00Z", 0).await;
    change_access(
        &env,
        &seed,
        None,
        Some(Sections {
            quotes: false,
            ..Sections::ALL
        }),
    )
    .await;
    send_quote(&env, &seed).await;
    issue_invoice(&env, &seed).await;
    let got = received(&env, Duration::from_millis(300), 2).await;
    let mail = parse(&got[1].data);
    assert_eq!(mail.header("Subject"), "Invoice INV-0007 from Pipe & Co");

    // Suspended: nothing after the invite.
    let (env, seed) = invited("2026-12-04T12:00:00Z", 0).await;
    change_access(&env, &seed, Some(false), None).await;
    send_quote(&env, &seed).await;
    issue_invoice(&env, &seed).await;
    share_file(&env, &seed).await;
    let got = received(&env, Duration::from_millis(300), 1).await;
    assert!(
        parse(&got[0].data)
            .header("Subject")
            .contains("client portal")
    );
}

#[tokio::test]
async fn a_client_who_turned_notifications_off_gets_no_update_but_still_gets_messages() {
    let (env, seed) = invited("2026-12-04T12:00:00Z", 0).await;
    notifications(&env, &seed, false).await;
    send_quote(&env, &seed).await;
    share_file(&env, &seed).await;
    issue_invoice(&env, &seed).await;
    // Messages are not portal updates: the client still hears of them.
    let staff = By::Staff(seed.owner);
    env.post_message(&seed, staff, "We have sent the quote")
        .await;
    let got = received(&env, Duration::from_millis(300), 2).await;
    let subjects: Vec<String> = got
        .iter()
        .map(|r| parse(&r.data).header("Subject").to_owned())
        .collect();
    assert!(subjects[0].contains("client portal"), "{subjects:?}");
    assert_eq!(subjects[1], "New message from Pipe & Co", "{subjects:?}");

    // Back on: the next update is emailed again (by the same worker's
    // follower, which carries on from where it stopped).
    notifications(&env, &seed, true).await;
    let quote = send_quote(&env, &seed).await;
    let got = received(&env, Duration::from_millis(300), 1).await;
    assert_quote_notice(&parse(&got[0].data), quote);
}

async fn overdue_events(env: &Env, invoice: InvoiceId) -> usize {
    env.service
        .load::<Invoice>(invoice.0)
        .await
        .expect("invoice")
        .state
        .overdue_at
        .map_or(0, |_| 1)
}

#[tokio::test]
async fn an_invoice_past_its_due_day_brings_one_overdue_notice_across_restarts() {
    // Issued on the morning of its due day, 31 December (London: the day
    // ends at midnight UTC).
    let (env, seed) = invited("2026-12-31T10:00:00Z", 0).await;
    let invoice = issue_invoice(&env, &seed).await;
    let quiet = Duration::from_millis(300);
    // The invite and the invoice; nothing overdue on the due day itself.
    let got = received_at(&env, at("2026-12-31T23:59:50Z"), quiet, 2).await;
    assert_eq!(
        parse(&got[1].data).header("Subject"),
        "Invoice INV-0007 from Pipe & Co"
    );
    assert_eq!(overdue_events(&env, invoice).await, 0);

    // The clock moves past the end of the due day: one notice.
    let got = received_at(&env, at("2026-12-31T23:59:58Z"), quiet, 1).await;
    let mail = parse(&got[0].data);
    assert_eq!(
        mail.header("Subject"),
        "Invoice INV-0007 from Pipe & Co is overdue"
    );
    assert_eq!(mail.header("To"), "ann@client.test");
    assert!(
        mail.text
            .contains("Invoice INV-0007 from Pipe & Co is now overdue.")
    );
    assert!(
        mail.text
            .contains(&format!("{PUBLIC_URL}/portal/invoices/{invoice}"))
    );
    let events = env
        .service
        .load::<Invoice>(invoice.0)
        .await
        .expect("invoice");
    assert!(events.state.overdue_at.is_some());

    // A restarted worker days later records and sends nothing more.
    let head = env.store.head().await.expect("head");
    let sent = sent_in_three_seconds(&env, at("2027-01-03T09:00:00Z"), quiet).await;
    assert_eq!(sent, 0, "one notice per invoice");
    assert_eq!(env.store.head().await.expect("head"), head);
}

#[tokio::test]
async fn no_overdue_notice_when_paid_invoices_are_off_or_notifications_are_off() {
    for case in ["paid", "invoices off", "notifications off"] {
        let (env, seed) = invited("2026-12-31T10:00:00Z", 0).await;
        let invoice = issue_invoice(&env, &seed).await;
        match case {
            "paid" => {
                env.run::<Invoice>(
                    invoice.0,
                    seed.owner,
                    InvoiceCommand::RecordPayment {
                        payment: PaymentId::new(),
                        staff: seed.owner,
                        amount: Decimal::from(80),
                        paid_on: jiff::civil::date(2026, 12, 20),
                    },
                )
                .await;
            }
            "invoices off" => {
                change_access(
                    &env,
                    &seed,
                    None,
                    Some(Sections {
                        invoices: false,
                        ..Sections::ALL
                    }),
                )
                .await;
            }
            _ => notifications(&env, &seed, false).await,
        }
        // The invite, and for the paid case the invoice itself.
        let n = if case == "paid" { 2 } else { 1 };
        let got = received_at(
            &env,
            at("2026-12-31T23:59:59Z"),
            Duration::from_millis(300),
            n,
        )
        .await;
        let subjects: Vec<String> = got
            .iter()
            .map(|r| parse(&r.data).header("Subject").to_owned())
            .collect();
        assert!(
            subjects.iter().all(|s| !s.contains("overdue")),
            "{case}: {subjects:?}"
        );
        let marked = overdue_events(&env, invoice).await;
        assert_eq!(marked, usize::from(case != "paid"), "{case}");
    }
}
