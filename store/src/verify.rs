//! Verifies the hash chain of every stream across the whole log.

use crate::chain::{BrokenLink, ChainVerifier};
use crate::envelope::{Position, Recorded};
use crate::store::{EventStore, StoreError};

/// Events read per batch.
pub const BATCH: usize = 20_000;

/// What a clean verification covered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub events: u64,
    pub streams: usize,
    /// The last position verified (the `from` position when the log had nothing after it).
    pub last_position: Position,
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("hash chain broken: {0}")]
    Broken(BrokenLink),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks every event after `from`, in log order. On stores whose positions
/// are contiguous it also catches a deleted event at the end of a stream, by
/// the hole it leaves in the log. `progress` is told the position reached and
/// the number of events checked after each batch.
pub async fn verify_log(
    store: &dyn EventStore,
    from: Position,
    mut progress: impl FnMut(Position, u64),
) -> Result<Verified, VerifyError> {
    let mut chain = if from == 0 {
        ChainVerifier::new()
    } else {
        ChainVerifier::resuming()
    };
    let contiguous = store.positions_are_contiguous();
    let mut last = from;
    let mut events = 0u64;
    let mut batch = store.read_all(from, BATCH).await?;
    while let Some(tail) = batch.last().map(|e| e.position) {
        // The next batch is read while this one is checked.
        let (ahead, checked) = tokio::join!(store.read_all(tail, BATCH), async {
            check_batch(&mut chain, &batch, &mut last, contiguous)
        });
        checked.map_err(VerifyError::Broken)?;
        events += batch.len() as u64;
        progress(last, events);
        batch = ahead?;
    }
    Ok(Verified {
        events,
        streams: chain.streams(),
        last_position: last,
    })
}

fn check_batch(
    chain: &mut ChainVerifier,
    batch: &[Recorded],
    last: &mut Position,
    contiguous: bool,
) -> Result<(), BrokenLink> {
    for e in batch {
        if contiguous && e.position != *last + 1 {
            return Err(BrokenLink {
                stream: e.stream.clone(),
                version: e.version,
                position: e.position,
                expected: e.prev_hash,
                actual: e.prev_hash,
                reason: "hole in the log before this event (an event was deleted)",
            });
        }
        chain.check(e)?;
        *last = e.position;
    }
    Ok(())
}
