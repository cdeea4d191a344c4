//! Finding an event by its id (how a retried keyed command learns whether
//! its first attempt landed).

use crate::backend::Backend;
use crate::fixtures::{Scope, event};
use cma_store::{EventStore, Expected};
use uuid::Uuid;

/// An appended event is found by its id, as it was read from its stream;
/// an id never appended, or an event recorded before `since`, is not.
pub async fn events_are_found_by_id<B: Backend>(backend: &B) {
    let store = backend.open().await;
    let scope = Scope::new();
    let stream = scope.stream();
    let sent = vec![event(1), event(2)];
    store
        .append(&stream, Expected::NoStream, sent.clone())
        .await
        .expect("append");
    let read = store.read_stream(&stream).await.expect("read");
    let since = sent[0].recorded_at;

    for recorded in &read {
        let found = store
            .find_event(recorded.event.event_id, since)
            .await
            .expect("find");
        assert_eq!(found.as_ref(), Some(recorded));
    }
    let absent = store.find_event(Uuid::new_v4(), since).await.expect("find");
    assert_eq!(absent, None);
    let later = sent[1].recorded_at.plus_seconds(1);
    let too_old = store
        .find_event(sent[0].event_id, later)
        .await
        .expect("find");
    assert_eq!(too_old, None);
    store.close().await;
}
