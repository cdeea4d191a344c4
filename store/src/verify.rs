//! Verifies the hash chain of every stream across the whole log.
//!
//! The log is cut into stretches of [`STRETCH`] events. Each stretch is read
//! and checked on its own — every event's hash recomputed, every link
//! inside the stretch followed — on as many threads as there are cores, and
//! the stretches are then joined in log order: each stream's first event in
//! a stretch must follow the stream's last event before it. The broken link
//! reported is the first in log order whichever check finds it.

use crate::chain::{BrokenLink, ChainVerifier, Finding};
use crate::envelope::{Position, StoredRef};
use crate::store::{EventStore, StoreError, Unreadable, Visitor};
use futures::stream::{self, BoxStream, StreamExt};
use std::num::NonZeroUsize;
use std::ops::ControlFlow;

/// Events per stretch.
pub const STRETCH: usize = 20_000;

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

/// Checks one stretch of the log on its own as a store shows it: positions,
/// links within the stretch, and every hash; stops at the first problem.
struct Stretch {
    chain: ChainVerifier,
    /// The positions it must cover exactly, when the store's positions
    /// are contiguous.
    covers: Option<(Position, Position)>,
    events: u64,
    last: Option<Position>,
    broken: Option<BrokenLink>,
    /// What to report if the stretch before this one ended short.
    hole_before_first: Option<BrokenLink>,
}

impl Stretch {
    fn new(covers: Option<(Position, Position)>) -> Self {
        Self {
            chain: ChainVerifier::resuming(),
            covers,
            events: 0,
            last: None,
            broken: None,
            hole_before_first: None,
        }
    }

    /// It ended before the last position it had to cover.
    fn short(&self) -> bool {
        self.covers
            .is_some_and(|(start, end)| self.last.unwrap_or(start) < end)
    }
}

impl Visitor for Stretch {
    fn visit(&mut self, e: &StoredRef<'_>) -> ControlFlow<()> {
        let expected = match (self.covers, self.last) {
            (Some((_, end)), _) if e.position > end => return ControlFlow::Break(()),
            (Some((start, _)), last) => Some(last.unwrap_or(start) + 1),
            (None, _) => None,
        };
        if self.last.is_none() {
            self.hole_before_first = Some(BrokenLink::hole_before(e, e.position));
        }
        let found = if let Some(p) = expected.filter(|&p| p != e.position) {
            Err(BrokenLink::hole_before(e, p))
        } else {
            self.chain.check_stored(e)
        };
        match found {
            Ok(()) => {
                self.events += 1;
                self.last = Some(e.position);
                ControlFlow::Continue(())
            }
            Err(link) => {
                self.broken = Some(link);
                ControlFlow::Break(())
            }
        }
    }

    /// A row that cannot be read is itself a finding, at its position.
    fn unreadable(&mut self, row: Unreadable) -> Result<ControlFlow<()>, StoreError> {
        if let Some((_, end)) = self.covers
            && row.position > end
        {
            return Ok(ControlFlow::Break(()));
        }
        self.broken = Some(BrokenLink::unreadable(row));
        Ok(ControlFlow::Break(()))
    }
}

/// Checks every event after `from`, in log order. On stores whose positions
/// are contiguous it checks the events up to the head when it starts, and
/// also catches a deleted event, by the hole it leaves in the log; on
/// others it reads until the end. `progress` is told the position reached
/// and the number of events checked after each stretch.
pub async fn verify_log(
    store: &dyn EventStore,
    from: Position,
    progress: impl FnMut(Position, u64),
) -> Result<Verified, VerifyError> {
    verify_in_stretches(store, from, STRETCH, progress).await
}

/// [`verify_log`] with stretches of `size` events (at least one): whatever
/// the size, the outcome is the same.
pub async fn verify_in_stretches(
    store: &dyn EventStore,
    from: Position,
    size: usize,
    mut progress: impl FnMut(Position, u64),
) -> Result<Verified, VerifyError> {
    let size = size.max(1);
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let mut checked = if store.positions_are_contiguous() {
        let head = store.head().await?;
        in_parallel(store, from, head, size, cores)
    } else {
        in_sequence(store, from, size)
    };
    let mut chain = if from == 0 {
        ChainVerifier::new()
    } else {
        ChainVerifier::resuming()
    };
    let (mut last, mut events, mut short) = (from, 0u64, false);
    while let Some(stretch) = checked.next().await {
        let stretch = stretch?;
        if short && let Some(mut link) = stretch.hole_before_first {
            *link.finding = Finding::Missing {
                from: last + 1,
                to: link.position.saturating_sub(1),
            };
            return Err(VerifyError::Broken(link));
        }
        short = stretch.short();
        let joined = chain.join(stretch.chain).err();
        if let Some(link) = earliest(joined, stretch.broken) {
            return Err(VerifyError::Broken(link));
        }
        events += stretch.events;
        last = stretch.last.unwrap_or(last);
        progress(last, events);
    }
    Ok(Verified {
        events,
        streams: chain.streams(),
        last_position: last,
    })
}

/// Has the store show `stretch` up to `size` events after `after`.
async fn check(
    store: &dyn EventStore,
    after: Position,
    size: usize,
    stretch: Stretch,
) -> Result<Stretch, StoreError> {
    let visitor: Box<dyn std::any::Any> = store.scan(after, size, Box::new(stretch)).await?;
    visitor
        .downcast::<Stretch>()
        .map(|stretch| *stretch)
        .map_err(|_| StoreError::backend("the store gave back another visitor"))
}

/// The stretches of positions `from + 1 ..= head`, several checked at a time.
fn in_parallel(
    store: &dyn EventStore,
    from: Position,
    head: Position,
    size: usize,
    cores: usize,
) -> BoxStream<'_, Result<Stretch, StoreError>> {
    let step = size as u64;
    let count = head.saturating_sub(from).div_ceil(step);
    stream::iter(0..count)
        .map(move |i| {
            let start = from + i * step;
            let end = (start + step).min(head);
            check(store, start, size, Stretch::new(Some((start, end))))
        })
        .buffered(cores + 1)
        .boxed()
}

/// Stretches checked one after another until the log has no more.
fn in_sequence(
    store: &dyn EventStore,
    from: Position,
    size: usize,
) -> BoxStream<'_, Result<Stretch, StoreError>> {
    stream::try_unfold(from, move |after| async move {
        let stretch = check(store, after, size, Stretch::new(None)).await?;
        let more = stretch.last.is_some() || stretch.broken.is_some();
        let next = stretch.last.unwrap_or(after);
        Ok(more.then_some((stretch, next)))
    })
    .boxed()
}

/// The earlier of two findings in log order; at the same event, the join's.
fn earliest(joined: Option<BrokenLink>, inside: Option<BrokenLink>) -> Option<BrokenLink> {
    match (joined, inside) {
        (Some(j), Some(i)) if i.position < j.position => Some(i),
        (Some(j), _) => Some(j),
        (None, i) => i,
    }
}
