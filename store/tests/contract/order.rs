//! Order: the log in position order, streams in version order, paging.

use crate::backend::Backend;
use crate::fixtures::{Scope, assert_increasing, events};
use cma_store::{EventStore, Expected, Version};
use uuid::Uuid;

/// Appends batches to three streams in turn; returns the event ids in append order.
async fn interleave<S: EventStore>(store: &S, scope: &Scope) -> Vec<Uuid> {
    let streams = [scope.stream(), scope.stream(), scope.stream()];
    let mut sent = Vec::new();
    for round in 0..4u32 {
        for (i, stream) in streams.iter().enumerate() {
            let batch = events(round * 10 + i as u32, i as u32 + 1);
            sent.extend(batch.iter().map(|e| e.event_id));
            store
                .append(stream, Expected::Any, batch)
                .await
                .expect("append");
        }
    }
    sent
}

/// `read_all` returns events in position order, which is commit order;
/// `read_stream` returns a stream's events by version, and
/// `read_stream_after` those above a version.
pub async fn ordering<B: Backend>(backend: &B) {
    let store = backend.open().await;
    let scope = Scope::new();
    let before = store.head().await.expect("head");
    let sent = interleave(&store, &scope).await;

    let log = scope.log_since(&store, before).await;
    assert_increasing(&log);
    let ids: Vec<Uuid> = log.iter().map(|e| e.event.event_id).collect();
    assert_eq!(ids, sent, "the log holds the events in commit order");
    let mut streams: Vec<_> = log.iter().map(|e| e.stream.clone()).collect();
    streams.dedup();
    for stream in &streams {
        let read = store.read_stream(stream).await.expect("read_stream");
        let versions: Vec<Version> = read.iter().map(|e| e.version).collect();
        assert_eq!(versions, (1..=read.len() as Version).collect::<Vec<_>>());
        let in_log: Vec<_> = log
            .iter()
            .filter(|e| &e.stream == stream)
            .cloned()
            .collect();
        assert_eq!(read, in_log, "a stream reads as its part of the log");
        for after in 0..=read.len() {
            let tail = store
                .read_stream_after(stream, after as Version)
                .await
                .expect("read_stream_after");
            assert_eq!(tail, read[after..], "the events after version {after}");
        }
        let beyond = store
            .read_stream_after(stream, read.len() as Version + 5)
            .await
            .expect("read_stream_after");
        assert!(beyond.is_empty(), "nothing after the last version");
    }
    let absent = store
        .read_stream_after(&scope.stream(), 0)
        .await
        .expect("read_stream_after");
    assert!(absent.is_empty(), "an absent stream has no events");
    store.close().await;
}

/// `read_streams_after` answers each `(stream, version)` pair as
/// `read_stream_after` does, in the order asked: a stream asked twice, an
/// absent stream and a version past the end included.
pub async fn several_streams<B: Backend>(backend: &B) {
    let store = backend.open().await;
    let scope = Scope::new();
    let streams = [scope.stream(), scope.stream(), scope.stream()];
    for (round, stream) in (0..).zip([0, 1, 2, 0, 1]) {
        store
            .append(&streams[stream], Expected::Any, events(round * 10, 3))
            .await
            .expect("append");
    }
    let asked = vec![
        (streams[1].clone(), 2),
        (scope.stream(), 0),
        (streams[0].clone(), 0),
        (streams[2].clone(), 100),
        (streams[1].clone(), 5),
    ];

    let read = store
        .read_streams_after(&asked)
        .await
        .expect("read_streams_after");

    assert_eq!(read.len(), asked.len(), "one list per pair asked");
    for ((stream, after), got) in asked.iter().zip(&read) {
        let one = store
            .read_stream_after(stream, *after)
            .await
            .expect("read_stream_after");
        assert_eq!(got, &one, "{stream} after version {after}");
    }
    assert!(!read[0].is_empty() && !read[2].is_empty() && !read[4].is_empty());
    assert!(read[1].is_empty(), "an absent stream has no events");
    assert!(read[3].is_empty(), "nothing after the last version");
    let none = store
        .read_streams_after(&[])
        .await
        .expect("read_streams_after of nothing");
    assert!(none.is_empty());
    store.close().await;
}

/// `read_all(after, limit)` starts just after `after` and returns at most
/// `limit` events; paging through it yields the whole log.
pub async fn paging<B: Backend>(backend: &B) {
    let store = backend.open().await;
    let scope = Scope::new();
    let before = store.head().await.expect("head");
    interleave(&store, &scope).await;
    let log = scope.log_since(&store, before).await;

    let page = store.read_all(before, 3).await.expect("read_all");
    assert_eq!(
        page.len(),
        3,
        "a page holds `limit` events when the log has more"
    );
    assert!(
        store
            .read_all(before, 0)
            .await
            .expect("read_all")
            .is_empty()
    );

    let mut paged = Vec::new();
    let mut cursor = before;
    loop {
        let page = store.read_all(cursor, 4).await.expect("read_all");
        assert!(page.len() <= 4);
        let Some(last) = page.last() else { break };
        assert!(page[0].position > cursor, "a page starts after `after`");
        cursor = last.position;
        paged.extend(page.into_iter().filter(|e| scope.owns(e)));
    }
    assert_eq!(paged, log);

    for (k, e) in log.iter().enumerate().take(log.len() - 1) {
        let after = scope.log_since(&store, e.position).await;
        assert_eq!(
            after.first(),
            log.get(k + 1),
            "reading after event {k} starts at event {}",
            k + 1
        );
    }
    store.close().await;
}

/// Relational adapters number the log 1, 2, 3, … without gaps.
pub async fn contiguous_positions<B: Backend>(backend: &B) {
    let store = backend.open().await;
    let scope = Scope::new();
    interleave(&store, &scope).await;
    let log = store.read_all(0, usize::MAX).await.expect("read_all");
    let positions: Vec<u64> = log.iter().map(|e| e.position).collect();
    assert_eq!(positions, (1..=log.len() as u64).collect::<Vec<_>>());
    assert_eq!(store.head().await.expect("head"), log.len() as u64);
    store.close().await;
}
