//! Following the log, closing it and opening it again.

use crate::append::assert_closed;
use crate::backend::Backend;
use crate::fixtures::{Scope, event, events};
use cma_store::chain::ChainVerifier;
use cma_store::{EventStore, Expected};
use std::time::Duration;

/// `subscribe()` reaches the position of an append.
pub async fn subscribe_advances<B: Backend>(backend: &B) {
    let store = backend.open().await;
    let scope = Scope::new();
    let mut committed = store.subscribe();

    let appended = store
        .append(&scope.stream(), Expected::NoStream, events(1, 2))
        .await
        .expect("append");

    let target = appended.last_position();
    // Copy the position out: the guard `wait_for` returns blocks every writer.
    let reached = tokio::time::timeout(Duration::from_secs(5), async {
        committed.wait_for(|p| *p >= target).await.map(|p| *p)
    })
    .await;
    assert!(
        matches!(reached, Ok(Ok(p)) if p >= target),
        "subscribe() did not reach {target}: {reached:?}"
    );
    assert!(store.head().await.expect("head") >= target);
    store.close().await;
}

/// After close the store refuses appends; reopened, it holds every event
/// and the next append continues each chain.
pub async fn reopen<B: Backend>(backend: &B) {
    let scope = Scope::new();
    let stream = scope.stream();
    let store = backend.open().await;
    let before = store.head().await.expect("head");
    let first = store
        .append(&stream, Expected::NoStream, events(1, 3))
        .await
        .expect("append");
    let written = store.read_stream(&stream).await.expect("read_stream");
    store.close().await;
    assert_closed(
        store
            .append(&stream, Expected::Exactly(3), vec![event(4)])
            .await,
    );
    drop(store);

    let store = backend.open().await;
    assert_eq!(
        store.read_stream(&stream).await.expect("read_stream"),
        written
    );
    assert_eq!(scope.log_since(&store, before).await, written);
    assert!(store.head().await.expect("head") >= first.last_position());
    let next = store
        .append(&stream, Expected::Exactly(3), vec![event(4)])
        .await
        .expect("append after reopening");
    assert_eq!(next.version, 4);
    assert!(next.last_position() > first.last_position());
    let read = store.read_stream(&stream).await.expect("read_stream");
    assert_eq!(read[3].prev_hash, written[2].hash, "the chain continues");
    let mut verifier = ChainVerifier::default();
    for e in scope.log_since(&store, before).await {
        verifier
            .check(&e)
            .unwrap_or_else(|broken| panic!("{broken}"));
    }
    store.close().await;
}
