//! Verifies the hash chain of every stream across the whole log.

use crate::chain::{BrokenLink, ChainVerifier, check_hash};
use crate::envelope::{Position, Recorded};
use crate::store::{EventStore, StoreError};
use std::num::NonZeroUsize;
use std::sync::Arc;

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
///
/// Per batch, three things overlap: the next batch is read, each event's
/// place in its stream is checked in log order, and the events' own hashes
/// are recomputed on blocking threads spread over the cores. The broken link
/// reported is the first in log order whichever check finds it.
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
    let mut batch = Arc::new(store.read_all(from, BATCH).await?);
    while let Some(tail) = batch.last().map(|e| e.position) {
        let hashing = tokio::task::spawn_blocking({
            let batch = batch.clone();
            move || first_bad_hash(&batch)
        });
        let (ahead, linked) = tokio::join!(store.read_all(tail, BATCH), async {
            link_batch(&mut chain, &batch, &mut last, contiguous)
        });
        let hashed = hashing
            .await
            .map_err(|e| StoreError::Backend(format!("hash check stopped: {e}")))?;
        if let Some(link) = earliest(linked.err(), hashed) {
            return Err(VerifyError::Broken(link));
        }
        events += batch.len() as u64;
        progress(last, events);
        batch = Arc::new(ahead?);
    }
    Ok(Verified {
        events,
        streams: chain.streams(),
        last_position: last,
    })
}

fn link_batch(
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
        chain.link(e)?;
        *last = e.position;
    }
    Ok(())
}

/// The first event of the batch whose recomputed hash differs, checking
/// one slice per core.
fn first_bad_hash(batch: &[Recorded]) -> Option<BrokenLink> {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let slice = batch.len().div_ceil(cores).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = batch
            .chunks(slice)
            .map(|part| scope.spawn(|| part.iter().find_map(|e| check_hash(e).err())))
            .collect();
        workers
            .into_iter()
            .filter_map(|w| w.join().ok().flatten())
            .min_by_key(|link| link.position)
    })
}

/// The earlier of two findings in log order; at the same event, the link
/// finding (it is checked first).
fn earliest(link: Option<BrokenLink>, hash: Option<BrokenLink>) -> Option<BrokenLink> {
    match (link, hash) {
        (Some(l), Some(h)) if h.position < l.position => Some(h),
        (Some(l), _) => Some(l),
        (None, h) => h,
    }
}
