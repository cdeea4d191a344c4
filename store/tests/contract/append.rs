//! Appending: what goes in comes back, and expectations guard every write.

use crate::backend::Backend;
use crate::fixtures::{Scope, bare_event, event, events};
use cma_store::{AppendError, EventStore, Expected, StoreError, StreamId, Version};

/// Every envelope field survives the store, through both reads.
pub async fn round_trip<B: Backend>(backend: &B) {
    let store = backend.open().await;
    let scope = Scope::new();
    let stream = scope.stream();
    let before = store.head().await.expect("head");
    let sent = vec![event(1), bare_event()];

    let appended = store
        .append(&stream, Expected::NoStream, sent.clone())
        .await
        .expect("append");

    assert_eq!(appended.version, 2);
    assert_eq!(appended.positions.len(), 2);
    let read = store.read_stream(&stream).await.expect("read_stream");
    assert_eq!(read.len(), 2);
    for (i, (recorded, sent)) in read.iter().zip(&sent).enumerate() {
        assert_eq!(&recorded.event, sent, "event {i} comes back as sent");
        assert_eq!(recorded.stream, stream);
        assert_eq!(recorded.version, i as Version + 1);
        assert_eq!(recorded.position, appended.positions[i]);
    }
    assert_eq!(scope.log_since(&store, before).await, read);
    store.close().await;
}

fn assert_conflict(
    outcome: Result<cma_store::Appended, AppendError>,
    stream: &StreamId,
    expected: Expected,
    actual: Version,
) {
    match outcome {
        Err(AppendError::Conflict {
            stream: s,
            expected: e,
            actual: a,
        }) => assert_eq!((&s, e, a), (stream, expected, actual)),
        other => panic!("expected a conflict at {actual} for {expected:?}, got {other:?}"),
    }
}

/// NoStream, Exactly and Any are checked against the stream, and a refused
/// append writes nothing.
pub async fn expectations<B: Backend>(backend: &B) {
    let store = backend.open().await;
    let scope = Scope::new();
    let stream = scope.stream();
    store
        .append(&stream, Expected::NoStream, vec![event(1)])
        .await
        .expect("the first append to a new stream");
    let head = store.head().await.expect("head");

    for (expected, events) in [
        (Expected::NoStream, vec![event(2)]),
        (Expected::Exactly(0), vec![event(2)]),
        (Expected::Exactly(5), vec![event(2), event(3)]),
        (Expected::Exactly(2), vec![event(2)]),
    ] {
        let outcome = store.append(&stream, expected, events).await;
        assert_conflict(outcome, &stream, expected, 1);
    }
    let absent = scope.stream();
    let outcome = store
        .append(&absent, Expected::Exactly(3), vec![event(9)])
        .await;
    assert_conflict(outcome, &absent, Expected::Exactly(3), 0);

    assert!(
        scope.log_since(&store, head).await.is_empty(),
        "conflicts write nothing"
    );
    assert_eq!(store.read_stream(&stream).await.expect("read").len(), 1);
    assert!(store.read_stream(&absent).await.expect("read").is_empty());

    let exact = store
        .append(&stream, Expected::Exactly(1), vec![event(2)])
        .await;
    assert_eq!(exact.expect("Exactly(1) at version 1").version, 2);
    let any = store.append(&stream, Expected::Any, events(3, 2)).await;
    assert_eq!(any.expect("Any on an existing stream").version, 4);
    let any_new = store.append(&absent, Expected::Any, vec![event(1)]).await;
    assert_eq!(any_new.expect("Any on an absent stream").version, 1);
    store.close().await;
}

/// Appending no events checks the expectation and changes nothing.
pub async fn empty_append<B: Backend>(backend: &B) {
    let store = backend.open().await;
    let scope = Scope::new();
    let stream = scope.stream();
    let head = store.head().await.expect("head");

    let on_absent = store
        .append(&stream, Expected::NoStream, Vec::new())
        .await
        .expect("NoStream holds for an absent stream");
    assert_eq!((on_absent.positions.len(), on_absent.version), (0, 0));
    assert_eq!(on_absent.last_position(), 0);
    let outcome = store
        .append(&stream, Expected::Exactly(1), Vec::new())
        .await;
    assert_conflict(outcome, &stream, Expected::Exactly(1), 0);
    assert!(store.read_stream(&stream).await.expect("read").is_empty());
    assert!(scope.log_since(&store, head).await.is_empty());

    store
        .append(&stream, Expected::NoStream, vec![event(1)])
        .await
        .expect("append");
    let head = store.head().await.expect("head");
    let at_one = store
        .append(&stream, Expected::Exactly(1), Vec::new())
        .await
        .expect("Exactly(1) holds");
    assert_eq!((at_one.positions.len(), at_one.version), (0, 1));
    let outcome = store.append(&stream, Expected::NoStream, Vec::new()).await;
    assert_conflict(outcome, &stream, Expected::NoStream, 1);
    assert!(scope.log_since(&store, head).await.is_empty());
    assert_eq!(store.read_stream(&stream).await.expect("read").len(), 1);
    store.close().await;
}

/// A closed store refuses appends.
pub fn assert_closed(outcome: Result<cma_store::Appended, AppendError>) {
    assert!(
        matches!(outcome, Err(AppendError::Store(StoreError::Closed))),
        "append after close: {outcome:?}"
    );
}

/// An event id already recorded, or taken by another append of the same
/// batch, fails only the append that carries it: the appends committed
/// with it in one group commit land.
pub async fn duplicate_event_ids_fail_only_their_append<B: Backend>(backend: &B) {
    let store = backend.open().await;
    let scope = Scope::new();
    let first = event(1);
    store
        .append(&scope.stream(), Expected::NoStream, vec![first.clone()])
        .await
        .expect("the first append");
    let twin = event(2);
    let mut appends = Vec::new();
    for i in 0..20u32 {
        let events = match i {
            5 => vec![event(3), first.clone()],
            10 | 11 => vec![twin.clone()],
            _ => vec![event(100 + i)],
        };
        appends.push((scope.stream(), events));
    }
    let outcomes = futures::future::join_all(
        appends
            .iter()
            .map(|(stream, events)| store.append(stream, Expected::NoStream, events.clone())),
    )
    .await;
    for (i, outcome) in outcomes.iter().enumerate() {
        match i {
            5 => assert!(
                matches!(outcome, Err(AppendError::DuplicateEventId(id)) if *id == first.event_id),
                "append {i}: {outcome:?}"
            ),
            10 | 11 => assert!(
                match outcome {
                    Ok(_) => true,
                    Err(AppendError::DuplicateEventId(id)) => *id == twin.event_id,
                    Err(_) => false,
                },
                "append {i}: {outcome:?}"
            ),
            _ => assert!(outcome.is_ok(), "append {i}: {outcome:?}"),
        }
    }
    let twins_landed = outcomes[10].is_ok() as u8 + outcomes[11].is_ok() as u8;
    assert_eq!(twins_landed, 1, "{:?} {:?}", outcomes[10], outcomes[11]);
    assert!(
        store
            .read_stream(&appends[5].0)
            .await
            .expect("read")
            .is_empty()
    );
    for (i, (stream, _)) in appends.iter().enumerate() {
        let expected = usize::from(outcomes[i].is_ok());
        assert_eq!(
            store.read_stream(stream).await.expect("read").len(),
            expected
        );
    }
    store.close().await;
}
