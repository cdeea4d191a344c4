//! How the sender hands messages over: several conversations at once, and
//! a mail server that stops answering costs one attempt, not the sender.

use crate::fixtures::{Running, assert_pending_after, config, invited};
use cma_store::Clock;
use cma_testkit::smtp::Smtp;
use cma_workers::email::{TransportSettings, list_emails};
use std::net::TcpListener;
use std::time::Duration;

#[tokio::test]
async fn several_conversations_run_at_once() {
    let (env, seed) = invited("2026-12-04T12:00:00Z", 5).await;
    env.client_upload(&seed).await;
    // 1 invite + 6 staff emails, each held for half a second before DATA.
    let smtp = Smtp::start();
    smtp.hold_from(1, Duration::from_millis(500));
    let worker = Running::sending_to(&env, &smtp);
    smtp.wait_for(7).await;
    worker.stop().await;

    assert!(
        smtp.most_at_once() >= 4,
        "at most {} conversation(s) at once",
        smtp.most_at_once()
    );
    let per_message = smtp.per_message();
    assert_eq!(per_message.len(), 7, "{per_message:?}");
    assert!(per_message.values().all(|n| *n == 1), "{per_message:?}");
}

#[tokio::test]
async fn email_queued_while_running_goes_out_without_waiting_for_the_poll() {
    let (env, seed) = invited("2026-12-04T12:00:00Z", 2).await;
    let smtp = Smtp::start();
    let mut settings = config(TransportSettings::smtp(smtp.url()));
    // Neither the send loop's poll nor the retry job comes round during
    // the test: only the enqueuer's writes can wake the sender.
    settings.poll = Duration::from_secs(3600);
    settings.rules_every = Duration::from_secs(3600);
    let worker = Running::start(&env, settings, Clock::starting_at(env.now));
    let invite = smtp.wait_for(1).await;
    assert_eq!(invite.len(), 1, "the invite was not sent");

    env.client_upload(&seed).await;
    let started = tokio::time::Instant::now();
    // The upload tells the three staff members.
    let all = smtp.wait_for(4).await;
    let waited = started.elapsed();
    worker.stop().await;

    assert_eq!(all.len(), 4, "sent: {all:?}");
    assert!(
        waited < Duration::from_secs(10),
        "the upload's email took {waited:?}"
    );
}

#[tokio::test]
async fn a_server_that_stops_answering_costs_an_attempt_within_the_deadline() {
    let (env, seed) = invited("2026-12-04T12:00:00Z", 0).await;
    // Takes connections and never says a word (not even the greeting).
    let silent = TcpListener::bind("127.0.0.1:0").expect("loopback port");
    let url = format!(
        "smtp://127.0.0.1:{}?tls=none",
        silent.local_addr().expect("address").port()
    );
    let mut settings = config(TransportSettings::smtp(url));
    settings.claim_for = Duration::from_secs(60);
    settings.deliver_within = Duration::from_secs(1);
    let worker = Running::start(&env, settings, Clock::starting_at(env.now));

    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let listed = loop {
        let listed = list_emails(&env.db, seed.team, 10).await.expect("listed");
        if listed.first().is_some_and(|e| e.last_error.is_some())
            || tokio::time::Instant::now() > deadline
        {
            break listed;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    worker.stop().await;
    drop(silent);

    assert_pending_after(&listed[0], "did not finish within 1 s");
}
