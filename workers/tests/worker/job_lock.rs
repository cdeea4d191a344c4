//! The cross-process lock of a timed job on PostgreSQL: one run at a time
//! across processes, released when the run ends or its process dies, and
//! holding no connection of the pool the run itself queries through.

use crate::fixtures::{Env, at};
use cma_workers::WorkerError;
use cma_workers::rules::lock::JobLock;
use std::time::Duration;
use tokio::sync::oneshot;

async fn ran(what: &'static str) -> Result<&'static str, WorkerError> {
    Ok(what)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_job_runs_in_one_process_at_a_time() {
    let env = Env::postgres(at("2026-12-04T12:00:00Z")).await;
    let database = env.postgres.as_ref().expect("a PostgreSQL environment");
    let (_one_store, one) = database.open().await;
    let (_other_store, other) = database.open().await;
    let (started, running) = oneshot::channel();
    let (finish, finished) = oneshot::channel::<()>();
    let holder = tokio::spawn(async move {
        let mut lock = JobLock::new("close_windows");
        lock.exclusive(&one, async {
            let _ = started.send(());
            let _ = finished.await;
            ran("first").await
        })
        .await
    });
    running.await.expect("the first run started");

    let mut close_windows = JobLock::new("close_windows");
    let skipped = close_windows.exclusive(&other, ran("second")).await;
    assert_eq!(
        skipped.expect("asked"),
        None,
        "another process skips the run"
    );
    let mut expire_quotes = JobLock::new("expire_quotes");
    let another = expire_quotes.exclusive(&other, ran("another job")).await;
    assert_eq!(another.expect("asked"), Some("another job"));

    finish.send(()).expect("the first run waits");
    let first = holder.await.expect("joined").expect("ran");
    assert_eq!(first, Some("first"));
    let after = close_windows.exclusive(&other, ran("second")).await;
    assert_eq!(
        after.expect("asked"),
        Some("second"),
        "the lock ends with the run"
    );

    // A run that is dropped mid-way, as when its process dies, leaves the
    // lock to the others.
    let (_third_store, third) = database.open().await;
    let (started, running) = oneshot::channel();
    let dying = tokio::spawn(async move {
        let mut lock = JobLock::new("close_windows");
        lock.exclusive(&third, async {
            let _ = started.send(());
            std::future::pending::<()>().await;
            ran("never").await
        })
        .await
    });
    running.await.expect("the dying run started");
    let skipped = close_windows.exclusive(&other, ran("second")).await;
    assert_eq!(skipped.expect("asked"), None);
    dying.abort();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let taken = loop {
        let got = close_windows
            .exclusive(&other, ran("taken over"))
            .await
            .expect("asked");
        if got.is_some() || tokio::time::Instant::now() > deadline {
            break got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(taken, Some("taken over"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_holding_its_lock_can_use_every_connection_of_the_read_pool() {
    let env = Env::postgres(at("2026-12-04T12:00:00Z")).await;
    let pool = env.db.pool().clone();
    let size = usize::try_from(pool.options().get_max_connections()).expect("a pool size");
    let mut lock = JobLock::new("send_retries");
    let used = lock
        .exclusive(&env.db, async {
            let mut held = Vec::new();
            for _ in 0..size {
                held.push(pool.acquire().await?);
            }
            Ok::<_, WorkerError>(held.len())
        })
        .await
        .expect("ran with every pooled connection");
    assert_eq!(used, Some(size));
}
