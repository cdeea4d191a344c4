//! A worker started for the first time on a log with history: emails whose
//! events are beyond the horizon are listed as not sent, and never sent.

use crate::fixtures::{Running, at, config, invited, parse};
use cma_store::Clock;
use cma_testkit::smtp::Smtp;
use cma_workers::email::{BEYOND_HORIZON, TransportSettings, list_emails};
use std::time::Duration;

#[tokio::test]
async fn a_first_start_sends_only_what_is_within_the_horizon() {
    // Three days ago: an invite (its link still valid) and an upload.
    let (mut env, seed) = invited("2026-12-01T12:00:00Z", 1).await;
    env.client_upload(&seed).await;
    // Today, an hour before the worker first starts: another upload.
    env.now = at("2026-12-04T11:00:00Z");
    env.client_upload(&seed).await;
    let smtp = Smtp::start();
    let worker = Running::start(
        &env,
        config(TransportSettings::smtp(smtp.url())),
        Clock::starting_at(at("2026-12-04T12:00:00Z")),
    );
    smtp.wait_for(2).await;
    // retries and timed jobs run a few times
    tokio::time::sleep(Duration::from_secs(3)).await;
    worker.stop().await;

    let got = smtp.received();
    assert_eq!(got.len(), 2, "only today's upload, to both staff");
    for received in &got {
        let date = parse(&received.data).header("Date").to_owned();
        assert!(date.contains("04 Dec 2026 11:00:00"), "{date}");
    }
    let listed = list_emails(&env.db, seed.team, 50).await.expect("listed");
    let mut states: Vec<_> = listed
        .iter()
        .map(|e| {
            (
                e.kind.as_str(),
                e.state.as_str(),
                e.attempts,
                e.last_error.as_deref(),
            )
        })
        .collect();
    states.sort();
    assert_eq!(
        states,
        [
            ("client_upload", "failed", 0, Some(BEYOND_HORIZON)),
            ("client_upload", "failed", 0, Some(BEYOND_HORIZON)),
            ("client_upload", "sent", 1, None),
            ("client_upload", "sent", 1, None),
            ("portal_invite", "failed", 0, Some(BEYOND_HORIZON)),
        ]
    );
    assert!(
        listed
            .iter()
            .all(|e| e.state != "failed" || e.sent_at.is_none())
    );
    // What is never sent is never built: only the sent rows hold a message.
    let sizes: Vec<(String, i64)> = sqlx::query_as(
        "SELECT state, LENGTH(message) FROM email_outbox ORDER BY state, LENGTH(message)",
    )
    .fetch_all(env.db.pool())
    .await
    .expect("outbox");
    assert_eq!(sizes.len(), 5, "{sizes:?}");
    for (state, size) in &sizes {
        assert_eq!(state == "sent", *size > 0, "{sizes:?}");
    }
}
