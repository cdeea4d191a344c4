//! The worker dies in the middle of a batch and starts again: every email
//! arrives, none twice.

use crate::fixtures::{config, invited, open_sqlite, start_process};
use cma_store::Clock;
use cma_testkit::smtp::Smtp;
use cma_workers::email::{TransportSettings, list_emails};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_batch_and_restarted_sends_each_email_once() {
    let (env, seed) = invited("2026-12-04T12:00:00Z", 5).await;
    env.client_upload(&seed).await;
    // 1 invite + 6 staff emails; the third conversation hangs before DATA.
    let smtp = Smtp::start();
    smtp.hold_from(3, Duration::from_secs(3));
    let events = env.dir.path().join("events.db");
    let read = env.dir.path().join("read.db");
    let mut settings = config(TransportSettings::smtp(smtp.url()));
    // One conversation at a time: the two before the held one are done.
    settings.send_concurrency = 1;
    let first = start_process(
        open_sqlite(events.clone(), read.clone()),
        settings.clone(),
        Clock::starting_at(env.now),
    );
    assert!(
        smtp.wait_holding().await,
        "the batch reached the third email"
    );
    first.shutdown_background();
    assert_eq!(smtp.received().len(), 2, "killed after two emails");
    smtp.release();

    let second = start_process(
        open_sqlite(events, read),
        settings,
        Clock::starting_at(env.now.plus_seconds(1)),
    );
    smtp.wait_for(7).await;
    // give a wrongly repeated send the time to show up
    tokio::time::sleep(Duration::from_secs(4)).await;
    second.shutdown_background();

    let per_message = smtp.per_message();
    assert_eq!(per_message.len(), 7, "{per_message:?}");
    assert!(per_message.values().all(|n| *n == 1), "{per_message:?}");
    let listed = list_emails(&env.db, seed.team, 50).await.expect("listed");
    assert_eq!(listed.len(), 7);
    assert!(listed.iter().all(|e| e.state == "sent"), "{listed:?}");
}
