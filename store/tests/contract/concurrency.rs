//! Many appenders at once: nothing lost, nothing doubled, and no reader
//! ever sees the log fill in behind it.

use crate::backend::Backend;
use crate::fixtures::{Scope, assert_increasing, assert_streams_whole, event};
use cma_store::{AppendError, EventStore, Expected, Position, StreamId, Version};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;
use uuid::Uuid;

const TASKS: u32 = 16;
pub const EVENTS_PER_TASK: u32 = 50;
const SHARED_STREAMS: u32 = 2;
const READER_DEADLINE: Duration = Duration::from_secs(20);

/// Appends one event at a time at the version last seen, retrying at the
/// stream's actual version after each conflict; returns the ids written.
pub async fn appender<S: EventStore>(store: Arc<S>, stream: StreamId, first: u32) -> Vec<Uuid> {
    let mut written = Vec::new();
    let mut version: Version = 0;
    for n in first..first + EVENTS_PER_TASK {
        let e = event(n);
        loop {
            match store
                .append(&stream, Expected::Exactly(version), vec![e.clone()])
                .await
            {
                Ok(appended) => {
                    version = appended.version;
                    written.push(e.event_id);
                    break;
                }
                Err(AppendError::Conflict { actual, .. }) => version = actual,
                Err(other) => panic!("append failed: {other}"),
            }
        }
    }
    written
}

/// Polls the log from its last seen position until it has seen `expected`
/// of this test's events; returns them in the order seen.
async fn reader<S: EventStore>(
    store: Arc<S>,
    scope: Arc<Scope>,
    from: Position,
    expected: usize,
) -> Vec<Uuid> {
    let mut seen = Vec::new();
    let mut last = from;
    let deadline = tokio::time::Instant::now() + READER_DEADLINE;
    while seen.len() < expected {
        assert!(
            tokio::time::Instant::now() < deadline,
            "reader saw only {} events",
            seen.len()
        );
        let page = store.read_all(last, 100).await.expect("read_all");
        if page.is_empty() {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        for e in page {
            assert!(
                e.position > last,
                "the reader saw position {} after {last}: the log filled in behind it",
                e.position
            );
            last = e.position;
            if scope.owns(&e) {
                seen.push(e.event.event_id);
            }
        }
    }
    seen
}

/// 16 tasks × 50 events, half to two shared streams and half to streams of
/// their own, with a reader following the log all along.
pub async fn concurrent_appenders<B: Backend>(backend: &B) {
    let store = Arc::new(backend.open().await);
    let scope = Arc::new(Scope::new());
    let before = store.head().await.expect("head");
    let shared: Vec<StreamId> = (0..SHARED_STREAMS).map(|_| scope.stream()).collect();
    let total = (TASKS * EVENTS_PER_TASK) as usize;

    let follower = tokio::spawn(reader(store.clone(), scope.clone(), before, total));
    let mut appenders = JoinSet::new();
    for task in 0..TASKS {
        let stream = if task % 2 == 0 {
            shared[(task / 2 % SHARED_STREAMS) as usize].clone()
        } else {
            scope.stream()
        };
        appenders.spawn(appender(store.clone(), stream, task * 1000));
    }
    let mut written = HashSet::new();
    while let Some(ids) = appenders.join_next().await {
        written.extend(ids.expect("appender task"));
    }
    let seen = follower.await.expect("reader task");

    assert_eq!(written.len(), total, "every append wrote distinct events");
    let log = scope.log_since(store.as_ref(), before).await;
    let logged: Vec<Uuid> = log.iter().map(|e| e.event.event_id).collect();
    assert_eq!(logged.len(), total, "nothing lost or doubled");
    assert_eq!(logged.iter().copied().collect::<HashSet<_>>(), written);
    assert_eq!(seen, logged, "the reader saw the log as it stands");
    assert_increasing(&log);

    assert_streams_whole(&log);
    store.close().await;
}
