//! The runners' shared tail gives what the store gives, from any position,
//! to runners reading at once, as the window fills, moves and restarts.

use crate::support::{self, history};
use cma_projections::tail::Tail;
use cma_store::{EventStore, Position, Recorded};
use std::sync::Arc;

/// A history of about `n` ops of every kind.
fn varied(n: u32) -> history::History {
    history::generate((0..n).map(|i| {
        (
            (i * 7 % 27) as u8,
            (i * 31 % 251) as u8,
            (i * 17 % 253) as u8,
        )
    }))
}

async fn from_store(store: &Arc<dyn EventStore>, after: Position, max: usize) -> Vec<Recorded> {
    store.read_all(after, max).await.expect("read the store")
}

async fn from_tail(tail: &Tail, after: Position, max: usize) -> Vec<Recorded> {
    tail.read_after(after, max).await.expect("read the tail")
}

#[tokio::test]
async fn the_tail_gives_what_the_store_gives() {
    let s = support::sqlite().await;
    support::append(&s.store, varied(1_200)).await;
    let head = s.store.head().await.expect("head");
    assert!(head > 260, "{head}");
    let tail = Tail::new(s.store.clone(), 50);

    // Runners reading at once from one position: one reads on, the
    // others get the same events from the window.
    let at_once = (0..10).map(|_| from_tail(&tail, 100, 7));
    let expected = from_store(&s.store, 100, 7).await;
    for got in futures::future::join_all(at_once).await {
        assert_eq!(got, expected);
    }
    // Inside the window, behind it, at its end, past it, beyond the head;
    // batches larger and smaller than the window.
    let mut looks: Vec<(Position, usize)> = Vec::new();
    for after in [
        100,
        101,
        120,
        149,
        150,
        151,
        30,
        0,
        160,
        200,
        199,
        250,
        head - 1,
        head,
    ] {
        for max in [1, 7, 50, 1_000] {
            looks.push((after, max));
        }
    }
    for (after, max) in looks {
        assert_eq!(
            from_tail(&tail, after, max).await,
            from_store(&s.store, after, max).await,
            "after {after}, at most {max}"
        );
    }

    // The log moves on: a runner at the end reads on, the window follows.
    support::append(&s.store, varied(40)).await;
    let new_head = s.store.head().await.expect("head");
    assert!(new_head > head);
    for after in [head, head - 10, head + 1, new_head - 1, new_head, 0] {
        assert_eq!(
            from_tail(&tail, after, 1_000).await,
            from_store(&s.store, after, 1_000).await,
            "after {after}"
        );
    }
}
