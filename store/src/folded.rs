//! Folded states of recently used streams, each with the version it was
//! folded up to, so that a command on a long stream reads and folds only
//! the events recorded since, not the stream's whole history.
//!
//! The log is append-only: a state folded up to version V stays the state
//! at V for good. The command runner brings a kept state up to date from
//! the log (the events after V) before every decision, and an append still
//! expects the version the decision saw, so correctness never depends on
//! what is kept here: a missing, evicted or outdated entry costs only a
//! longer read. Nothing is kept across restarts, so a new build with new
//! event versions or upcasts starts from the log.

use crate::envelope::{Position, StreamId, Version};
use crate::service::Loaded;
use cma_domain::Aggregate;
use lru::LruCache;
use std::any::Any;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// How many streams' states a command runner keeps by default.
pub const DEFAULT_KEPT_STATES: usize = 10_000;

struct Entry {
    version: Version,
    position: Position,
    state: Arc<dyn Any + Send + Sync>,
}

impl Entry {
    fn loaded<A: Aggregate>(&self) -> Option<Loaded<Arc<A>>> {
        Some(Loaded {
            state: self.state.clone().downcast::<A>().ok()?,
            version: self.version,
            position: self.position,
        })
    }
}

/// The least recently used states beyond the capacity are dropped.
pub struct FoldedStates(Option<Mutex<LruCache<StreamId, Entry>>>);

impl FoldedStates {
    /// Keeps up to `capacity` states (none for 0).
    pub fn new(capacity: usize) -> Self {
        Self(NonZeroUsize::new(capacity).map(|n| Mutex::new(LruCache::new(n))))
    }

    fn cache(&self) -> Option<MutexGuard<'_, LruCache<StreamId, Entry>>> {
        let cache = self.0.as_ref()?;
        Some(cache.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The kept state of `stream`, shared with the keeper.
    pub fn get<A: Aggregate>(&self, stream: &StreamId) -> Option<Loaded<Arc<A>>> {
        self.cache()?.get(stream)?.loaded()
    }

    /// `state` as a value to fold new events into: the kept copy is let go
    /// first when it is this very state, so that, unless a reader holds it
    /// meanwhile, no copy is made (the caller keeps the result again with
    /// [`put`](Self::put)).
    pub fn owned<A: Aggregate>(&self, stream: &StreamId, state: Arc<A>) -> A {
        if let Some(mut cache) = self.cache()
            && cache.peek(stream).is_some_and(|kept| {
                kept.state
                    .downcast_ref::<A>()
                    .is_some_and(|kept| std::ptr::eq(kept, Arc::as_ptr(&state)))
            })
        {
            cache.pop(stream);
        }
        Arc::unwrap_or_clone(state)
    }

    /// Keeps `folded` for `stream`, unless a later version is kept already.
    pub fn put<A: Aggregate>(&self, stream: &StreamId, folded: &Loaded<Arc<A>>) {
        let Some(mut cache) = self.cache() else {
            return;
        };
        if cache
            .peek(stream)
            .is_some_and(|kept| kept.version >= folded.version)
        {
            return;
        }
        let state: Arc<dyn Any + Send + Sync> = folded.state.clone();
        cache.put(
            stream.clone(),
            Entry {
                version: folded.version,
                position: folded.position,
                state,
            },
        );
    }
}
