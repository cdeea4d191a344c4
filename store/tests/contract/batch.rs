//! Appends committed together: each keeps its own outcome.

use crate::backend::Backend;
use crate::fixtures::{Scope, assert_streams_whole, events};
use cma_store::{AppendError, EventStore, Expected, Version};

/// Appends sent at once (one group commit, or a few): of ten racing for
/// the same expected version of a stream exactly one lands and the others
/// conflict with the version it left; an append expecting the wrong
/// version conflicts alone; appends with any expectation to one stream all
/// land, one after another; every stream's versions and chain stay whole.
pub async fn conflicts_fail_only_their_append<B: Backend>(backend: &B) {
    let store = backend.open().await;
    let scope = Scope::new();
    let before = store.head().await.expect("head");
    let raced = scope.stream();
    store
        .append(&raced, Expected::NoStream, events(0, 1))
        .await
        .expect("the raced stream's first event");
    let fresh: Vec<_> = (0..10).map(|_| scope.stream()).collect();
    let any = scope.stream();

    let mut appends = Vec::new();
    for i in 0..10u32 {
        appends.push((raced.clone(), Expected::Exactly(1), events(100 + i * 10, 2)));
        let expected = if i % 2 == 0 {
            Expected::NoStream
        } else {
            Expected::Exactly(5)
        };
        appends.push((fresh[i as usize].clone(), expected, events(200 + i, 1)));
        appends.push((any.clone(), Expected::Any, events(300 + i, 1)));
    }
    let outcomes = futures::future::join_all(
        appends
            .iter()
            .map(|(stream, expected, events)| store.append(stream, *expected, events.clone())),
    )
    .await;

    let mut raced_winners = 0;
    let mut any_versions = Vec::new();
    for ((stream, expected, _), outcome) in appends.iter().zip(&outcomes) {
        match (outcome, *expected) {
            (Ok(appended), Expected::Exactly(1)) if *stream == raced => {
                raced_winners += 1;
                assert_eq!(appended.version, 3);
            }
            (Err(AppendError::Conflict { actual, .. }), Expected::Exactly(1))
                if *stream == raced =>
            {
                assert_eq!(*actual, 3, "a loser sees the winner's version");
            }
            (Ok(appended), Expected::NoStream) => assert_eq!(appended.version, 1),
            (Err(AppendError::Conflict { actual, .. }), Expected::Exactly(5)) => {
                assert_eq!(*actual, 0);
            }
            (Ok(appended), Expected::Any) => any_versions.push(appended.version),
            (other, expected) => panic!("{stream} expecting {expected:?}: {other:?}"),
        }
    }
    assert_eq!(raced_winners, 1, "one append wins the raced version");
    any_versions.sort_unstable();
    assert_eq!(any_versions, (1..=10).collect::<Vec<Version>>());

    let log = scope.log_since(&store, before).await;
    let landed: usize = outcomes
        .iter()
        .map(|o| o.as_ref().map_or(0, |a| a.positions.len()))
        .sum();
    assert_eq!(log.len(), 1 + landed, "refused appends wrote nothing");
    assert_streams_whole(&log);
    for (stream, length) in [(&raced, 3), (&any, 10), (&fresh[0], 1), (&fresh[1], 0)] {
        let read = store.read_stream(stream).await.expect("read_stream");
        assert_eq!(read.len(), length, "{stream}");
    }
    store.close().await;
}
