//! Versions a handle knows without reading: never other than the log's.

use crate::backend::Backend;
use crate::fixtures::{Scope, event};
use cma_store::{EventStore, Expected};

/// Through appends, a failed append, and reads of whole streams, of their
/// ends and of several at once, a version the store says it knows is the
/// stream's version in the log (a store may know none).
pub async fn known_versions_are_the_logs<B: Backend>(backend: &B) {
    let store = backend.open().await;
    let scope = Scope::new();
    let (a, b, absent) = (scope.stream(), scope.stream(), scope.stream());
    let check = async |store: &B::Store| {
        for stream in [&a, &b, &absent] {
            if let Some(known) = store.known_version(stream) {
                let actual = store.read_stream(stream).await.expect("read").len();
                assert_eq!(
                    usize::try_from(known).expect("a version"),
                    actual,
                    "{stream}"
                );
            }
        }
    };
    store
        .append(&a, Expected::NoStream, vec![event(1), event(2)])
        .await
        .expect("append");
    check(&store).await;
    store
        .append(&b, Expected::NoStream, vec![event(3)])
        .await
        .expect("append");
    let conflict = store.append(&a, Expected::Exactly(1), vec![event(4)]).await;
    assert!(conflict.is_err(), "{conflict:?}");
    check(&store).await;
    store
        .read_streams_after(&[(a.clone(), 1), (b.clone(), 0), (absent.clone(), 0)])
        .await
        .expect("read");
    check(&store).await;
    store
        .append(&a, Expected::Exactly(2), vec![event(5)])
        .await
        .expect("append");
    store.read_stream_after(&b, 1).await.expect("read");
    check(&store).await;
    store.close().await;
}
