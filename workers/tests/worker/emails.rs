//! Every email of docs/product.md §9.1 through a real SMTP server: who gets it, what
//! it says, its attachment, and that its link works.

use crate::fixtures::{Env, PUBLIC_URL, Running, at, config, invited, parse};
use cma_domain::access::By;
use cma_domain::credentials::{Credentials, CredentialsCommand, TokenPurpose, token_sha256};
use cma_domain::diary::{Diary, DiaryCommand};
use cma_domain::file::{FileCommand, StoredFile};
use cma_domain::ids::{AppointmentId, FileId, LineId, SessionId};
use cma_domain::quote::signature::tiny_png;
use cma_domain::quote::{Acceptance, Quote, QuoteCommand, QuoteLine};
use cma_store::Clock;
use cma_testkit::smtp::Smtp;
use cma_workers::email::{TransportSettings, list_emails};
use rust_decimal::Decimal;
use std::str::FromStr;
use std::time::Duration;

#[tokio::test]
async fn the_invite_follows_the_team_template_and_its_link_sets_the_password() {
    let env = Env::sqlite(at("2026-12-04T12:00:00Z")).await;
    let seed = env.seed(0).await;
    let token = env.invite(&seed).await;
    let smtp = Smtp::start();
    let worker = Running::sending_to(&env, &smtp);
    let got = smtp.wait_for(1).await;
    worker.stop().await;

    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to, ["ann@client.test"]);
    assert_eq!(got[0].from, "portal@pipe.test");
    let mail = parse(&got[0].data);
    assert_eq!(mail.header("Subject"), "Your client portal with Pipe & Co");
    assert_eq!(mail.header("To"), "ann@client.test");
    assert!(
        mail.header("From").contains("Pipe & Co"),
        "{}",
        mail.header("From")
    );
    assert!(mail.text.contains("Hello Ann Client,"), "{}", mail.text);
    assert!(mail.text.contains("Bob Pipe at Pipe & Co"));
    let link = format!("{PUBLIC_URL}/portal/set-password?token={token}");
    assert!(mail.text.contains(&link), "{}", mail.text);
    assert!(
        mail.html.contains(&format!("href=\"{link}\"")),
        "{}",
        mail.html
    );
    assert!(mail.html.contains("Pipe &amp; Co"));
    assert!(mail.header("Message-ID").ends_with("@cma>"));

    // The link's token is what the set-password route takes: it sets the password.
    let from_email = mail
        .text
        .split("token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a token in the email");
    let set = env
        .service
        .execute::<Credentials>(
            seed.client.0,
            &env.staff(seed.owner),
            CredentialsCommand::SetPassword {
                purpose: TokenPurpose::Invite,
                token_sha256: token_sha256(from_email),
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
            },
        )
        .await
        .expect("the emailed link sets the password");
    assert!(set.state.has_password());

    let listed = list_emails(&env.db, seed.team, 50).await.expect("listed");
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (
            listed[0].kind.as_str(),
            listed[0].state.as_str(),
            listed[0].attempts
        ),
        ("portal_invite", "sent", 1)
    );
}

#[tokio::test]
async fn booking_and_cancelling_email_both_sides_with_a_calendar_entry() {
    let (env, seed) = invited("2026-12-04T12:00:00Z", 1).await;
    let smtp = Smtp::start();
    let worker = Running::sending_to(&env, &smtp);
    smtp.wait_for(1).await;
    let appointment = AppointmentId::new();
    let portal = seed.portal();
    env.book(&seed, appointment, "2026-12-07T10:00:00Z").await;
    let got = smtp.wait_for(1 + 3).await;
    env.run::<Diary>(
        seed.team.0,
        seed.owner,
        DiaryCommand::Cancel {
            appointment,
            by: By::Client(portal),
        },
    )
    .await;
    let all = smtp.wait_for(1 + 3 + 3).await;
    worker.stop().await;

    let mut booked: Vec<_> = got[1..]
        .iter()
        .map(|r| (r.to.clone(), parse(&r.data)))
        .collect();
    booked.sort_by(|a, b| a.0.cmp(&b.0));
    let to: Vec<_> = booked.iter().map(|(to, _)| to.join(",")).collect();
    assert_eq!(to, ["ann@client.test", "bob@pipe.test", "staff0@pipe.test"]);
    let uid = format!("UID:{appointment}@cma");
    for (_, mail) in &booked {
        let (method, ics) = mail.calendar.clone().expect("an .ics attachment");
        assert_eq!(method, "REQUEST");
        assert!(
            ics.contains("METHOD:REQUEST") && ics.contains(&uid),
            "{ics}"
        );
        assert!(ics.contains("DTSTART:20261207T100000Z"));
        // The business organises (its contact address, the owner's by
        // default); the client attends.
        assert!(
            ics.contains("ORGANIZER;CN=Pipe & Co:mailto:bob@pipe.test"),
            "{ics}"
        );
        assert!(ics.contains("ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:ann@client.test"));
        assert_eq!(ics.matches("ATTENDEE").count(), 1, "{ics}");
    }
    // The client's answer reaches the business; staff's answer the client.
    assert_eq!(booked[0].1.header("Reply-To"), "Pipe & Co <bob@pipe.test>");
    for (_, staff) in &booked[1..] {
        assert_eq!(staff.header("Reply-To"), "\"Ann Client\" <ann@client.test>");
    }
    assert!(
        booked[0]
            .1
            .text
            .contains("Monday 7 December 2026, 10:00–11:00 (Europe/London)"),
        "{}",
        booked[0].1.text
    );
    assert_eq!(
        booked[1].1.header("Subject"),
        "Meeting booked with Ann Client"
    );

    let mut cancelled: Vec<_> = all[4..].iter().map(|r| parse(&r.data)).collect();
    cancelled.sort_by(|a, b| a.header("To").cmp(b.header("To")));
    assert_eq!(cancelled.len(), 3);
    for mail in &cancelled {
        let (method, ics) = mail.calendar.clone().expect("an .ics attachment");
        assert_eq!(method, "CANCEL");
        assert!(ics.contains("STATUS:CANCELLED") && ics.contains(&uid));
    }
    assert_eq!(
        cancelled[0].header("Subject"),
        "Your meeting with Pipe & Co is cancelled"
    );
}

#[tokio::test]
async fn acceptance_uploads_and_messages_reach_the_other_side_in_the_outbox_folder() {
    let (env, seed) = invited("2026-12-04T12:00:00Z", 0).await;
    let portal = seed.portal();
    let boiler = LineId::new();
    let filter = LineId::new();
    let line = |id, description: &str, price: &str, optional| QuoteLine {
        id,
        description: description.to_owned(),
        quantity: Decimal::ONE,
        unit_price: Decimal::from_str(price).expect("price"),
        tax_rate: Decimal::from(20),
        optional,
        selected: true,
    };
    let lines = vec![
        line(boiler, "Boiler", "1200.00", false),
        line(filter, "Filter", "95.50", true),
    ];
    let quote = env.sent_quote(&seed, "New boiler", None, lines).await;
    let london = jiff::tz::TimeZone::get("Europe/London").expect("zone");
    env.run::<Quote>(
        quote.0,
        seed.owner,
        QuoteCommand::ToggleLine {
            team: seed.team,
            by: portal,
            line: filter,
            selected: false,
            time_zone: london.clone(),
        },
    )
    .await;
    env.run::<Quote>(
        quote.0,
        seed.owner,
        QuoteCommand::Accept(Box::new(Acceptance {
            team: seed.team,
            by: portal,
            session: SessionId::new(),
            name: "Ann C.".to_owned(),
            signature_png: tiny_png(2, 1),
            ip: "203.0.113.7".parse().expect("ip"),
            user_agent: "Firefox/140".to_owned(),
            revision: None,
            time_zone: london,
            login_email: None,
            login_invite: None,
        })),
    )
    .await;
    env.run::<StoredFile>(
        FileId::new().0,
        seed.owner,
        FileCommand::Upload {
            file: FileId::new(),
            client: seed.client,
            by: By::Client(portal),
            name: "kitchen.jpg".to_owned(),
            content_type: "image/jpeg".to_owned(),
            size: 2048,
            max_size: 25 * 1024 * 1024,
            sha256: "0".repeat(64),
            storage_key: "k".to_owned(),
        },
    )
    .await;
    for text in ["Is Tuesday fine?", "Or Wednesday?"] {
        env.post_message(&seed, By::Client(portal), text).await;
    }
    env.post_message(&seed, By::Staff(seed.owner), "Tuesday it is")
        .await;

    let worker = Running::start(
        &env,
        config(TransportSettings::Folder(env.outbox_dir())),
        Clock::starting_at(env.now),
    );
    // invite, acceptance, upload, one client message (quiet period), one staff message
    let files = wait_for_files(&env, 5).await;
    worker.stop().await;
    assert_eq!(
        files.len(),
        5,
        "{:?}",
        files.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    let mails: Vec<_> = files.iter().map(|(_, bytes)| parse(bytes)).collect();
    let subject = |s: &str| {
        mails
            .iter()
            .find(|m| m.header("Subject") == s)
            .unwrap_or_else(|| panic!("no email {s:?}"))
    };

    let accepted = subject("Ann Client accepted \"New boiler\"");
    assert_eq!(accepted.header("To"), "bob@pipe.test");
    for fact in [
        "Typed name: Ann C.",
        "Accepted at (UTC): 2026-12-04 12:00:00 UTC",
        "Accepted at (local): Friday 4 December 2026, 12:00 (Europe/London)",
        "IP address: 203.0.113.7",
        "User agent: Firefox/140",
        "Total: 1440.00 GBP",
        "Selected lines:\nBoiler\n",
        "Content SHA-256: ",
    ] {
        assert!(
            accepted.text.contains(fact),
            "{fact:?} in {}",
            accepted.text
        );
    }
    assert!(!accepted.text.contains("Filter"));
    let upload = subject("Ann Client uploaded kitchen.jpg");
    assert!(upload.text.contains("Size: 2.0 KiB"));
    let to_staff = subject("New message from Ann Client");
    assert!(to_staff.text.contains("> Is Tuesday fine?") && !to_staff.text.contains("Wednesday"));
    let to_client = subject("New message from Pipe & Co");
    assert_eq!(to_client.header("To"), "ann@client.test");
    assert!(
        to_client
            .text
            .contains(&format!("{PUBLIC_URL}/portal/messages"))
    );
    // each file is named by its Message-ID
    for (name, mail) in files.iter().map(|(n, _)| n).zip(&mails) {
        assert_eq!(
            format!("<{}>", name.trim_end_matches(".eml")),
            mail.header("Message-ID")
        );
    }
}

async fn wait_for_files(env: &Env, n: usize) -> Vec<(String, Vec<u8>)> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(env.outbox_dir())
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|name| name.ends_with(".eml") && !name.starts_with('.'))
                    .map(|name| {
                        let bytes = std::fs::read(env.outbox_dir().join(&name)).expect("readable");
                        (name, bytes)
                    })
                    .collect()
            })
            .unwrap_or_default();
        if files.len() >= n || tokio::time::Instant::now() >= deadline {
            files.sort();
            return files;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
