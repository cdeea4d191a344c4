//! Appends queued without waiting for their outcomes, one behind another
//! in a series: where a log queues them, each is judged as those queued
//! before it leave the stream, and one refused refuses the rest of its
//! series; where it does not, queueing is refused and nothing is written.

use crate::backend::Backend;
use crate::fixtures::{Scope, assert_streams_whole, events};
use cma_store::{AppendError, EventStore, Expected, Series};
use std::sync::Arc;

pub async fn queued_appends_keep_their_series<B: Backend>(backend: &B) {
    let store = backend.open().await;
    let scope = Scope::new();
    let before = store.head().await.expect("head");
    let stream = scope.stream();
    let series = Arc::new(Series::default());
    if !store.queues_appends() {
        let queued = store
            .queue_append(&stream, Expected::NoStream, events(0, 1), series)
            .await;
        assert!(queued.is_err(), "a log that does not queue refused to");
        assert_eq!(store.head().await.expect("head"), before, "nothing written");
        store.close().await;
        return;
    }

    // Three queued at once, each expecting the version the one before leaves.
    let mut queued = Vec::new();
    for (expected, count) in [
        (Expected::NoStream, 1),
        (Expected::Exactly(1), 2),
        (Expected::Exactly(3), 1),
    ] {
        let events = events(u32::try_from(queued.len()).expect("few") * 10, count);
        queued.push(
            store
                .queue_append(&stream, expected, events, series.clone())
                .await
                .expect("queued"),
        );
    }
    let mut versions = Vec::new();
    for queued in queued {
        versions.push(queued.outcome().await.expect("appended").version);
    }
    assert_eq!(versions, [1, 3, 4]);

    // The first of another series expects a version the stream is not at
    // and is refused; an append of a third series then takes the stream
    // to the version the series' second expects, which is refused all the
    // same: it was decided on the first's events, never written. The
    // second is queued once the first is judged, so it meets the broken
    // series in a later batch.
    let broken = Arc::new(Series::default());
    let queue = async |expected, from, series: &Arc<Series>| {
        store
            .queue_append(&stream, expected, events(from, 1), series.clone())
            .await
            .expect("queued")
    };
    let first = queue(Expected::Exactly(9), 100, &broken).await;
    assert!(matches!(
        first.outcome().await,
        Err(AppendError::Conflict { actual: 4, .. })
    ));
    let plain = queue(Expected::Exactly(4), 110, &Arc::default()).await;
    let second = queue(Expected::Exactly(5), 120, &broken).await;
    assert_eq!(plain.outcome().await.expect("the plain append").version, 5);
    assert!(matches!(
        second.outcome().await,
        Err(AppendError::Conflict { actual: 5, .. })
    ));
    assert!(broken.is_broken());
    let log = scope.log_since(&store, before).await;
    assert_eq!(log.len(), 5, "refused appends wrote nothing");
    assert_streams_whole(&log);
    store.close().await;
}
