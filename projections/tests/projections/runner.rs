//! Catch-up, follow, checkpoint atomicity and read-your-writes.

use crate::support::{self, history};
use async_trait::async_trait;
use cma_domain::Aggregate;
use cma_domain::conversation::Conversation;
use cma_projections::runner::{Applied, apply_batch};
use cma_projections::tail::Tail;
use cma_projections::tx::Tx;
use cma_projections::views::MessagesView;
use cma_projections::{ProjectionError, Projections, Projector, ReadDb, RunnerConfig, TableNames};
use cma_store::{EventStore, Recorded};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn quick() -> RunnerConfig {
    RunnerConfig {
        batch_size: 7,
        poll_interval: Duration::from_millis(200),
        retry_interval: Duration::from_millis(50),
        ..RunnerConfig::default()
    }
}

/// A history heavy in messages: many posts, some read markers.
fn chatty(n: u8) -> history::History {
    history::generate((0..n).flat_map(|i| [(18, 0, i), (18, 0, i.wrapping_add(1)), (19, 0, i)]))
}

async fn message_count(db: &ReadDb) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(db.pool())
        .await
        .expect("count messages")
}

fn posted(history: &history::History) -> i64 {
    history
        .iter()
        .filter(|(_, e)| e.event_type == "MessagePosted")
        .count() as i64
}

/// Appends a [`chatty`] history of `n`: how many messages it posts.
async fn chat(store: &Arc<dyn EventStore>, n: u8) -> i64 {
    let history = chatty(n);
    let messages = posted(&history);
    support::append(store, history).await;
    messages
}

#[tokio::test]
async fn projectors_catch_up_then_follow_new_events() {
    let s = support::sqlite().await;
    let expected_first = chat(&s.store, 20).await;
    let running = support::start_all(&s.db, &s.store, quick());
    support::caught_up(&s.db, &s.store).await;
    assert_eq!(message_count(&s.db).await, expected_first);

    let expected = expected_first + chat(&s.store, 15).await;
    support::caught_up(&s.db, &s.store).await;
    assert_eq!(message_count(&s.db).await, expected);
    assert_eq!(running.status("messages").map(|st| st.active), Some(true));
    support::assert_no_lag(&s.db, &s.store).await;
    running.stop().await;
}

/// Applies like the messages view, but fails every third batch after writing.
struct Flaky {
    inner: MessagesView,
    calls: AtomicUsize,
}

#[async_trait]
impl Projector for Flaky {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn tables(&self) -> &'static [&'static str] {
        self.inner.tables()
    }

    async fn apply(
        &self,
        tx: &mut dyn Tx,
        tables: &TableNames,
        events: &[Recorded],
    ) -> Result<(), ProjectionError> {
        self.inner.apply(tx, tables, events).await?;
        if self.calls.fetch_add(1, Ordering::SeqCst) % 3 == 2 {
            return Err(ProjectionError::Corrupt(
                "injected failure after writing".into(),
            ));
        }
        Ok(())
    }
}

#[tokio::test]
async fn a_batch_that_fails_after_writing_leaves_no_trace_and_is_retried() {
    let s = support::sqlite().await;
    let expected = chat(&s.store, 30).await;
    let flaky: Arc<dyn Projector> = Arc::new(Flaky {
        inner: MessagesView,
        calls: AtomicUsize::new(0),
    });
    let running = Projections::start(s.db.clone(), &Tail::of(&s.store), vec![flaky], quick());
    let head = s.store.head().await.expect("head");
    let mut reached = false;
    for _ in 0..200 {
        if cma_projections::checkpoint::read(s.db.pool(), "messages")
            .await
            .expect("checkpoint")
            == head
        {
            reached = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    running.stop().await;
    assert!(reached, "the flaky projector never caught up");
    assert_eq!(message_count(&s.db).await, expected);
}

#[tokio::test]
async fn crashing_at_any_moment_and_restarting_applies_each_event_once() {
    let s = support::sqlite().await;
    let expected = chat(&s.store, 60).await;
    let head = s.store.head().await.expect("head");
    for round in 0..20u64 {
        let running = support::start_all(&s.db, &s.store, quick());
        tokio::time::sleep(Duration::from_millis(3 + round * 2)).await;
        running.abort();
    }
    // Reopen the read database as a restarted process would.
    let reopened = ReadDb::open_sqlite(&s.dir.path().join("read.db"))
        .await
        .expect("reopen");
    let running = support::start_all(&reopened, &s.store, quick());
    support::caught_up(&reopened, &s.store).await;
    running.stop().await;
    assert_eq!(message_count(&reopened).await, expected);
    let threads: Vec<(String, i64)> =
        sqlx::query_as("SELECT sides, staff_read FROM message_threads")
            .fetch_all(reopened.pool())
            .await
            .expect("threads");
    let letters: i64 = threads.iter().map(|(s, _)| s.len() as i64).sum();
    assert_eq!(letters, expected, "each post counted once in its thread");
    assert!(
        cma_projections::lag(&reopened, s.store.as_ref())
            .await
            .expect("lag")
            .iter()
            .all(|l| l.checkpoint == head)
    );
}

#[tokio::test]
async fn wait_for_returns_once_every_projector_has_the_position_and_gives_up_in_time() {
    let s = support::sqlite().await;
    support::append(&s.store, chatty(3)).await;
    let head = s.store.head().await.expect("head");
    let started = std::time::Instant::now();
    let seen = cma_projections::wait_for(&s.db, head, Duration::from_millis(300))
        .await
        .expect("wait");
    assert!(!seen, "nothing runs yet, so the wait times out");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(started.elapsed() < Duration::from_secs(2));

    let running = support::start_all(&s.db, &s.store, quick());
    let seen = cma_projections::wait_for(&s.db, head, Duration::from_secs(60))
        .await
        .expect("wait");
    assert!(seen);
    let lags = cma_projections::lag(&s.db, s.store.as_ref())
        .await
        .expect("lag");
    assert!(lags.iter().all(|l| l.checkpoint >= head));
    let capped = std::time::Instant::now();
    let never = cma_projections::wait_for(&s.db, head + 1_000, Duration::from_secs(60))
        .await
        .expect("wait");
    assert!(!never);
    assert!(
        capped.elapsed() < Duration::from_secs(6),
        "waits are capped at 5 s"
    );
    running.stop().await;
}

async fn stored_checkpoints(db: &ReadDb) -> std::collections::HashMap<String, u64> {
    cma_projections::checkpoint::all(db.pool())
        .await
        .expect("checkpoints")
}

#[tokio::test]
async fn a_batch_with_nothing_for_its_projector_begins_no_transaction() {
    let s = support::sqlite().await;
    let expected = chat(&s.store, 12).await;
    let events = s.store.read_all(0, 10_000).await.expect("read the log");
    let last = events.last().map(|e| e.position).expect("events");
    let (posts, others): (Vec<Recorded>, Vec<Recorded>) = events
        .iter()
        .cloned()
        .partition(|e| e.stream.is_in(Conversation::CATEGORY));
    assert!(!posts.is_empty() && !others.is_empty());

    // Under a load of message posts, every view but the messages view sees
    // batches of conversation events only: none of them writes.
    for view in cma_projections::views::all() {
        if view.name() == MessagesView.name() {
            continue;
        }
        let applied = apply_batch(&s.db, view.as_ref(), 0, &posts).await;
        assert_eq!(applied.expect("apply"), Applied::Nothing, "{}", view.name());
    }
    let applied = apply_batch(&s.db, &MessagesView, 0, &others).await;
    assert_eq!(applied.expect("apply"), Applied::Nothing);
    assert!(stored_checkpoints(&s.db).await.values().all(|p| *p == 0));
    assert_eq!(message_count(&s.db).await, 0);

    let applied = apply_batch(&s.db, &MessagesView, 0, &events).await;
    assert_eq!(applied.expect("apply"), Applied::Written);
    assert_eq!(stored_checkpoints(&s.db).await.get("messages"), Some(&last));
    // Read from a checkpoint no longer stored: nothing is written.
    let applied = apply_batch(&s.db, &MessagesView, 0, &events).await;
    assert_eq!(applied.expect("apply"), Applied::Moved);
    assert_eq!(message_count(&s.db).await, expected);
}

#[tokio::test]
async fn runners_here_answer_at_once_and_store_what_they_skipped_within_the_bound() {
    let s = support::sqlite().await;
    let store_within = Duration::from_secs(3);
    let running = support::start_all(
        &s.db,
        &s.store,
        RunnerConfig {
            store_within,
            ..quick()
        },
    );
    chat(&s.store, 20).await;
    let head = s.store.head().await.expect("head");
    let answered =
        cma_projections::wait_watching(&s.db, &running.watch(), head, Duration::from_secs(2))
            .await
            .expect("wait");
    assert!(answered, "this process's runners answer from memory");
    // The last batches were message posts: the other views moved past
    // them without storing yet, so a wait from another process (which
    // sees only stored checkpoints) does not answer yet...
    let stored = stored_checkpoints(&s.db).await;
    assert!(stored.values().any(|p| *p < head), "{stored:?}");
    assert_eq!(stored.get("messages"), Some(&head));
    let elsewhere = cma_projections::wait_for(&s.db, head, Duration::from_millis(100))
        .await
        .expect("wait");
    assert!(!elsewhere);
    // ...and does once they have stored it, within the bound.
    let started = std::time::Instant::now();
    let elsewhere = cma_projections::wait_for(&s.db, head, store_within + Duration::from_secs(1))
        .await
        .expect("wait");
    assert!(elsewhere, "stored within {store_within:?}");
    assert!(started.elapsed() <= store_within + Duration::from_millis(500));
    support::assert_no_lag(&s.db, &s.store).await;
    running.stop().await;
}

#[tokio::test]
async fn a_checkpoint_moved_back_while_idle_is_followed_from_there() {
    let s = support::sqlite().await;
    let expected = chat(&s.store, 20).await;
    let running = support::start_all(&s.db, &s.store, quick());
    support::caught_up(&s.db, &s.store).await;
    assert_eq!(message_count(&s.db).await, expected);
    // What a rebuild's swap does when the log moved on while it ran: the
    // tables and the checkpoint of an earlier position (here, the start).
    let mut tx = s.db.begin().await.expect("begin");
    for sql in [
        "DELETE FROM messages",
        "DELETE FROM message_threads",
        "UPDATE projection_checkpoints SET position = 0 WHERE name = 'messages'",
    ] {
        tx.execute(sql, Vec::new()).await.expect("swap");
    }
    tx.commit().await.expect("commit");
    support::caught_up(&s.db, &s.store).await;
    assert_eq!(message_count(&s.db).await, expected);
    running.stop().await;
}
