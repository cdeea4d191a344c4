//! Event ids derived from a request's idempotency scope, so that the events a
//! keyed command appends carry its key durably: whoever retries the command
//! can ask the log whether they landed (docs/security.md, "Retried commands").

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use uuid::Uuid;

/// The namespace of idempotency scopes (a fixed random UUID).
const SCOPES: Uuid = Uuid::from_u128(0x6f1c_2a8e_93d4_4b0f_a1e7_5c3d_8b29_e460);

/// The ids of one keyed request's events: the n-th event it appends, across
/// all its commands, gets `id(n)`.
#[derive(Clone, Debug)]
pub struct DerivedIds {
    scope: Uuid,
    next: Arc<AtomicU64>,
}

impl DerivedIds {
    /// The ids of the request identified by `scope` (caller, key and what
    /// makes two requests the same, as the caller of this sees it).
    pub fn new(scope: &[u8]) -> Self {
        Self {
            scope: Uuid::new_v5(&SCOPES, scope),
            next: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The id of the request's `n`-th event (from 0).
    pub fn id(&self, n: u64) -> Uuid {
        Uuid::new_v5(&self.scope, &n.to_be_bytes())
    }

    /// The ids of the next `count` events, without taking them.
    pub fn peek(&self, count: usize) -> Vec<Uuid> {
        let first = self.next.load(Ordering::Acquire);
        (first..).take(count).map(|n| self.id(n)).collect()
    }

    /// Takes the next `count` ids, once their events were appended.
    pub fn take(&self, count: usize) {
        self.next.fetch_add(count as u64, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_scope_derives_the_same_ids_and_another_scope_others() {
        let first = DerivedIds::new(b"staff:1\0key\0abc");
        let again = DerivedIds::new(b"staff:1\0key\0abc");
        let other = DerivedIds::new(b"staff:1\0key\0abd");
        assert_eq!(first.peek(3), again.peek(3));
        assert_ne!(first.peek(1), other.peek(1));
        first.take(2);
        assert_eq!(first.peek(1), vec![again.id(2)]);
    }
}
