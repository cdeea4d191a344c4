//! On PostgreSQL exactly one process runs each projector; another takes
//! over within seconds when it dies.

use crate::support::{self, history};
use cma_projections::{ReadDb, RunnerConfig};
use std::time::{Duration, Instant};

fn config() -> RunnerConfig {
    RunnerConfig {
        batch_size: 50,
        poll_interval: Duration::from_millis(200),
        retry_interval: Duration::from_millis(500),
        ..RunnerConfig::default()
    }
}

async fn wait_until(what: &str, limit: Duration, check: impl Fn() -> bool) -> Duration {
    let started = Instant::now();
    while !check() {
        assert!(
            started.elapsed() < limit,
            "{what} did not happen within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    started.elapsed()
}

#[tokio::test]
async fn one_runner_is_active_and_a_standby_takes_over_when_it_dies() {
    let pg = support::postgres().await;
    // The second "process" has its own pools and connections.
    let other_db = ReadDb::connect_postgres(&pg.database.url)
        .await
        .expect("second connection");
    let first = support::start_all(&pg.db, &pg.store, config());
    wait_until(
        "the first runner taking every lease",
        Duration::from_secs(10),
        || first.all_active(),
    )
    .await;
    let second = support::start_all(&other_db, &pg.store, config());
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        !second.any_active(),
        "the standby must not run while the first holds the leases"
    );

    let history = history::generate((0..40u8).map(|i| (18 + i % 2, i, i)));
    let posted = history
        .iter()
        .filter(|(_, e)| e.event_type == "MessagePosted")
        .count() as i64;
    support::append(&pg.store, history).await;
    support::caught_up(&pg.db, &pg.store).await;

    first.abort();
    let took = wait_until("the standby taking over", Duration::from_secs(10), || {
        second.all_active()
    })
    .await;
    assert!(took < Duration::from_secs(10));

    let more = history::generate((0..30u8).map(|i| (18, i, i)));
    let posted = posted
        + more
            .iter()
            .filter(|(_, e)| e.event_type == "MessagePosted")
            .count() as i64;
    support::append(&pg.store, more).await;
    support::caught_up(&other_db, &pg.store).await;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(other_db.pool())
        .await
        .expect("count");
    assert_eq!(count, posted, "every message once, across the handover");
    second.stop().await;
    other_db.close().await;
    pg.db.close().await;
}

#[tokio::test]
async fn projectors_catch_up_and_follow_on_postgres() {
    let pg = support::postgres().await;
    support::append(
        &pg.store,
        history::generate((0..120u8).map(|i| (i, i.wrapping_mul(7), i.wrapping_mul(13)))),
    )
    .await;
    let running = support::start_all(&pg.db, &pg.store, config());
    support::caught_up(&pg.db, &pg.store).await;
    support::append(&pg.store, history::generate((0..60u8).map(|i| (i, i, i)))).await;
    support::caught_up(&pg.db, &pg.store).await;
    support::assert_no_lag(&pg.db, &pg.store).await;
    running.stop().await;
    pg.db.close().await;
}
