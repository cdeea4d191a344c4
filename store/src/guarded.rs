//! Facts a process keeps in memory about what it alone writes, each kept
//! only when nothing it could be stale against happened while it was
//! looked up.
//!
//! A fact is looked up in the store (the file, the log), then kept; in
//! between, this process may change what it says. Every change counts, so
//! a fact read before a change is refused: [`Guarded::seen`] before the
//! lookup, [`Guarded::keep`] after it. A write that takes a while (a
//! projector's batch) is announced with [`Guarded::writing`]: what it
//! touches is dropped at once, and nothing is kept until it is over.
//! For facts merged with what was kept (a version that only grows),
//! losing one to the capacity counts as a change too
//! ([`Guarded::merging`]).

use lru::LruCache;
use std::borrow::Borrow;
use std::hash::Hash;
use std::num::NonZeroUsize;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Facts by key, up to a capacity (the least recently used beyond it
/// are looked up again when next needed).
pub struct Guarded<K: Hash + Eq, V>(Mutex<Inner<K, V>>);

struct Inner<K: Hash + Eq, V> {
    /// How many changes were counted.
    changes: u64,
    /// Whether losing a fact to the capacity counts as a change.
    evictions_count: bool,
    /// How many announced writes are under way.
    writing: u32,
    facts: LruCache<K, V>,
}

/// What was seen before a lookup: its fact is kept only if nothing changed
/// since.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seen(u64);

impl<K: Hash + Eq + Clone, V> Guarded<K, V> {
    /// Up to `capacity` facts, each kept whole (a later one replaces it).
    pub fn new(capacity: NonZeroUsize) -> Self {
        Self::with(capacity, false)
    }

    /// Up to `capacity` facts merged with what was kept (a version that
    /// only grows): losing one to the capacity counts as a change, since a
    /// later fact may have been merged into what was lost.
    pub fn merging(capacity: NonZeroUsize) -> Self {
        Self::with(capacity, true)
    }

    fn with(capacity: NonZeroUsize, evictions_count: bool) -> Self {
        Self(Mutex::new(Inner {
            changes: 0,
            evictions_count,
            writing: 0,
            facts: LruCache::new(capacity),
        }))
    }

    fn inner(&self) -> MutexGuard<'_, Inner<K, V>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What is seen now, before a lookup.
    pub fn seen(&self) -> Seen {
        Seen(self.inner().changes)
    }

    /// What `using` makes of the fact kept for `key` (it may change it; it
    /// says `None` when the fact no longer holds, which drops it); `Err`
    /// with what was seen when there is none, to keep what a lookup finds.
    pub fn find<Q, R>(&self, key: &Q, using: impl FnOnce(&mut V) -> Option<R>) -> Result<R, Seen>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let mut inner = self.inner();
        let Some(fact) = inner.facts.get_mut(key) else {
            return Err(Seen(inner.changes));
        };
        match using(fact) {
            Some(found) => Ok(found),
            None => {
                inner.facts.pop(key);
                Err(Seen(inner.changes))
            }
        }
    }

    /// Keeps `fact` for `key`, looked up after `seen`, unless anything
    /// changed since or a write is under way; `None` for a fact that holds
    /// whatever happened meanwhile (a write's own outcome). `merge` folds
    /// it into a fact already kept.
    pub fn keep<Q>(&self, key: &Q, fact: V, seen: Option<Seen>, merge: impl FnOnce(&mut V, V))
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let mut inner = self.inner();
        if seen.is_some_and(|seen| seen.0 != inner.changes || inner.writing > 0) {
            return;
        }
        if let Some(kept) = inner.facts.get_mut(key) {
            merge(kept, fact);
        } else if inner.facts.push(key.to_owned(), fact).is_some() && inner.evictions_count {
            // Absent, so what came back is the least recently used, evicted.
            inner.changes += 1;
        }
    }

    /// Drops the facts `changed` picks: the store holds them other than
    /// kept, or may.
    pub fn change(&self, changed: impl Fn(&K, &V) -> bool) {
        let mut inner = self.inner();
        Self::drop_changed(&mut inner, changed);
    }

    fn drop_changed(inner: &mut Inner<K, V>, changed: impl Fn(&K, &V) -> bool) {
        inner.changes += 1;
        let stale: Vec<K> = inner
            .facts
            .iter()
            .filter(|(key, fact)| changed(key, fact))
            .map(|(key, _)| key)
            .cloned()
            .collect();
        for key in stale {
            inner.facts.pop(&key);
        }
    }

    /// Drops the fact kept for `key`, as [`Guarded::change`] does.
    pub fn change_one<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let mut inner = self.inner();
        inner.changes += 1;
        inner.facts.pop(key);
    }

    /// Announces a write that may change the facts `changes` picks: they
    /// are dropped now, and nothing is kept until the returned guard is
    /// dropped (the write is over, done or not).
    pub fn writing(&self, changes: impl Fn(&K, &V) -> bool) -> Writing<'_, K, V> {
        let mut inner = self.inner();
        inner.writing += 1;
        Self::drop_changed(&mut inner, changes);
        Writing(self)
    }
}

/// A write under way ([`Guarded::writing`]).
pub struct Writing<'g, K: Hash + Eq + Clone, V>(&'g Guarded<K, V>);

impl<K: Hash + Eq + Clone, V> Drop for Writing<'_, K, V> {
    fn drop(&mut self) {
        let mut inner = self.0.inner();
        inner.writing -= 1;
        // A lookup seen during the write may have found what it had not
        // yet written.
        inner.changes += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guarded() -> Guarded<&'static str, u32> {
        Guarded::new(NonZeroUsize::new(2).expect("not zero"))
    }

    fn replace(kept: &mut u32, fact: u32) {
        *kept = fact;
    }

    #[test]
    fn a_fact_looked_up_before_a_change_is_not_kept() {
        let facts = guarded();
        let Err(seen) = facts.find(&"a", |v| Some(*v)) else {
            panic!("nothing is kept yet");
        };
        facts.change_one(&"b");
        facts.keep(&"a", 1, Some(seen), replace);
        assert!(facts.find(&"a", |v| Some(*v)).is_err());

        let seen = facts.seen();
        facts.keep(&"a", 1, Some(seen), replace);
        assert_eq!(facts.find(&"a", |v| Some(*v)), Ok(1));

        // A write's own outcome is kept whatever happened.
        facts.change(|_, _| true);
        facts.keep(&"a", 2, None, |kept, fact| *kept = (*kept).max(fact));
        assert_eq!(facts.find(&"a", |v| Some(*v)), Ok(2));
    }

    #[test]
    fn a_fact_that_no_longer_holds_is_dropped() {
        let facts = guarded();
        facts.keep(&"a", 1, Some(facts.seen()), replace);
        assert!(facts.find(&"a", |_| None::<u32>).is_err());
        assert!(facts.find(&"a", |v| Some(*v)).is_err());
    }

    #[test]
    fn nothing_is_kept_during_a_write_nor_from_a_lookup_seen_during_it() {
        let facts = guarded();
        facts.keep(&"a", 1, None, replace);
        facts.keep(&"b", 1, None, replace);
        let before = facts.seen();
        let write = facts.writing(|key, _| *key == "a");
        // What the write touches is dropped at once; the rest stays.
        assert!(facts.find(&"a", |v| Some(*v)).is_err());
        assert_eq!(facts.find(&"b", |v| Some(*v)), Ok(1));
        let during = facts.seen();
        facts.keep(&"a", 1, Some(during), replace);
        assert!(facts.find(&"a", |v| Some(*v)).is_err());
        drop(write);
        for seen in [before, during] {
            facts.keep(&"a", 1, Some(seen), replace);
            assert!(facts.find(&"a", |v| Some(*v)).is_err());
        }
        facts.keep(&"a", 2, Some(facts.seen()), replace);
        assert_eq!(facts.find(&"a", |v| Some(*v)), Ok(2));
    }

    #[test]
    fn an_eviction_counts_as_a_change_only_for_merged_facts() {
        let whole = guarded();
        let seen = whole.seen();
        whole.keep(&"a", 1, None, replace);
        whole.keep(&"b", 1, None, replace);
        whole.keep(&"c", 1, None, replace);
        whole.keep(&"d", 1, Some(seen), replace);
        assert_eq!(whole.find(&"d", |v| Some(*v)), Ok(1));

        let facts: Guarded<&str, u32> = Guarded::merging(NonZeroUsize::new(2).expect("not zero"));
        let seen = facts.seen();
        facts.keep(&"a", 1, None, replace);
        facts.keep(&"b", 1, None, replace);
        facts.keep(&"c", 1, None, replace);
        assert!(facts.find(&"a", |v| Some(*v)).is_err());
        facts.keep(&"a", 1, Some(seen), replace);
        assert!(facts.find(&"a", |v| Some(*v)).is_err());
    }
}
