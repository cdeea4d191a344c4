//! The per-stream hash chain as the store records it.

use crate::backend::Backend;
use crate::fixtures::{Scope, bare_event, events};
use cma_store::chain::{ChainVerifier, GENESIS, hash_event};
use cma_store::{EventStore, Expected};

/// Each event links to its predecessor's hash (the first to GENESIS), its
/// hash covers its content, and the log as read verifies.
pub async fn chain_links<B: Backend>(backend: &B) {
    let store = backend.open().await;
    let scope = Scope::new();
    let before = store.head().await.expect("head");
    let (a, b) = (scope.stream(), scope.stream());
    for round in 0..3u32 {
        store
            .append(&a, Expected::Any, events(round * 10, 3))
            .await
            .expect("append");
        store
            .append(&b, Expected::Any, vec![bare_event()])
            .await
            .expect("append");
    }

    for stream in [&a, &b] {
        let read = store.read_stream(stream).await.expect("read_stream");
        let mut prev = GENESIS;
        for e in &read {
            assert_eq!(
                e.prev_hash, prev,
                "version {} links to its predecessor",
                e.version
            );
            assert_eq!(
                e.hash,
                hash_event(&e.prev_hash, &e.stream, e.version, &e.event)
            );
            prev = e.hash;
        }
    }
    let mut verifier = ChainVerifier::default();
    for e in scope.log_since(&store, before).await {
        verifier
            .check(&e)
            .unwrap_or_else(|broken| panic!("{broken}"));
    }
    assert_eq!(verifier.streams(), 2);
    store.close().await;
}
