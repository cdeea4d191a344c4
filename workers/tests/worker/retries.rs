//! A refused email is retried with backoff and then delivered, once.

use crate::fixtures::{Env, Running, assert_pending_after, at, config};
use cma_store::Clock;
use cma_testkit::smtp::Smtp;
use cma_workers::email::{TransportSettings, list_emails};
use std::time::Duration;

#[tokio::test]
async fn a_refused_email_is_retried_and_then_accepted() {
    let env = Env::sqlite(at("2026-12-04T12:00:00Z")).await;
    let seed = env.seed(0).await;
    let smtp = Smtp::start();
    smtp.refuse_next(2);
    env.invite(&seed).await;
    let worker = Running::sending_to(&env, &smtp);

    // While refused, staff see the email pending with the server's answer.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let pending = loop {
        let listed = list_emails(&env.db, seed.team, 10).await.expect("listed");
        if listed
            .first()
            .is_some_and(|e| e.attempts >= 1 && e.last_error.is_some())
            || tokio::time::Instant::now() > deadline
        {
            break listed;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_pending_after(&pending[0], "421");

    let got = smtp.wait_for(1).await;
    // give a wrongly repeated send the time to show up
    tokio::time::sleep(Duration::from_secs(3)).await;
    worker.stop().await;
    assert_eq!(smtp.received().len(), 1);
    assert_eq!(got[0].to, ["ann@client.test"]);
    let listed = list_emails(&env.db, seed.team, 10).await.expect("listed");
    assert_eq!((listed[0].state.as_str(), listed[0].attempts), ("sent", 3));
    assert!(listed[0].sent_at.is_some());
}

#[tokio::test]
async fn an_email_refused_at_every_attempt_ends_failed() {
    let env = Env::sqlite(at("2026-12-04T12:00:00Z")).await;
    let seed = env.seed(0).await;
    let smtp = Smtp::start();
    smtp.refuse_next(usize::MAX);
    env.invite(&seed).await;
    let mut settings = config(TransportSettings::smtp(smtp.url()));
    settings.retry.max_attempts = 2;
    let worker = Running::start(&env, settings, Clock::starting_at(env.now));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let listed = loop {
        let listed = list_emails(&env.db, seed.team, 10).await.expect("listed");
        if listed.first().is_some_and(|e| e.state == "failed")
            || tokio::time::Instant::now() > deadline
        {
            break listed;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    worker.stop().await;
    assert_eq!(
        (listed[0].state.as_str(), listed[0].attempts),
        ("failed", 2)
    );
    assert!(smtp.received().is_empty());
}
