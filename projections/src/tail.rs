//! The log's newest events, read once for all the runners of a process
//! (the projectors' and the worker's followers alike: `cma serve` gives
//! them one). Every append wakes every runner; without this each would
//! read the same new events from the store, ten reads of one event per
//! command.
//!
//! The tail keeps a window of the newest events read (every event after
//! `from` up to `to`). A runner whose position is in the window is served
//! from it; one at its end reads on for everyone, one at a time, and the
//! others waiting are then served from the window; one behind it (catching
//! up) reads the store itself and leaves the window alone.

use cma_store::{EventStore, Position, Recorded, StoreError};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

/// Most events the runners' tail keeps.
pub const KEPT: usize = 4_096;

pub struct Tail {
    store: Arc<dyn EventStore>,
    /// Most events kept in the window.
    kept: usize,
    window: Mutex<Window>,
    /// Held by the one runner reading on from the window's end.
    reading: tokio::sync::Mutex<()>,
}

/// Every event after `from` up to `to`, in order.
#[derive(Default)]
struct Window {
    from: Position,
    to: Position,
    events: VecDeque<Recorded>,
}

/// Where `after` is against the window.
enum Found {
    /// Up to `max` events after it, from the window.
    Events(Vec<Recorded>),
    /// Behind the window: read from the store.
    Behind,
    /// At or past its end: read on.
    End,
}

impl Window {
    fn find(&self, after: Position, max: usize) -> Found {
        if after < self.from {
            return Found::Behind;
        }
        if after >= self.to {
            return Found::End;
        }
        let first = self.events.partition_point(|e| e.position <= after);
        Found::Events(self.events.range(first..).take(max).cloned().collect())
    }

    /// Adds `events`, read from the store after `after`, keeping the
    /// newest `kept`.
    fn extend(&mut self, after: Position, events: &[Recorded], kept: usize) {
        let Some(last) = events.last().map(|e| e.position) else {
            return;
        };
        if after != self.to {
            // Not contiguous with the window: start a new one.
            self.events.clear();
            self.from = after;
        }
        self.events.extend(events.iter().cloned());
        self.to = last;
        while self.events.len() > kept {
            if let Some(dropped) = self.events.pop_front() {
                self.from = dropped.position;
            }
        }
    }
}

impl Tail {
    /// The tail the runners of a process share: of `store`, keeping at
    /// most [`KEPT`] events.
    pub fn of(store: &Arc<dyn EventStore>) -> Arc<Self> {
        Arc::new(Self::new(store.clone(), KEPT))
    }

    /// A tail of `store` keeping at most `kept` events.
    pub fn new(store: Arc<dyn EventStore>, kept: usize) -> Self {
        Self {
            store,
            kept: kept.max(1),
            window: Mutex::new(Window::default()),
            reading: tokio::sync::Mutex::new(()),
        }
    }

    /// The store it reads.
    pub fn store(&self) -> &Arc<dyn EventStore> {
        &self.store
    }

    fn find(&self, after: Position, max: usize) -> Found {
        self.window
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .find(after, max)
    }

    /// Up to `max` events after `after`, in order, as
    /// [`EventStore::read_all`] gives them: from the window as far as it
    /// goes, then from the store.
    pub async fn read_after(
        &self,
        after: Position,
        max: usize,
    ) -> Result<Vec<Recorded>, StoreError> {
        let mut out: Vec<Recorded> = Vec::new();
        let mut at = after;
        let mut turn = None;
        while out.len() < max {
            let wanted = max - out.len();
            match self.find(at, wanted) {
                Found::Events(events) => {
                    at = events.last().map_or(at, |e| e.position);
                    out.extend(events);
                }
                Found::Behind => {
                    out.extend(self.store.read_all(at, wanted).await?);
                    break;
                }
                // Take the turn to read on, then look again: the runner
                // that had it may have read on meanwhile.
                Found::End if turn.is_none() => turn = Some(self.reading.lock().await),
                Found::End => {
                    let events = self.store.read_all(at, self.kept.max(wanted)).await?;
                    self.window
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .extend(at, &events, self.kept);
                    out.extend(events.into_iter().take(wanted));
                    break;
                }
            }
        }
        Ok(out)
    }
}
