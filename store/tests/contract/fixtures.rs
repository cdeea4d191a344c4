//! Events to append and helpers to read back only what one test wrote.

use crate::support::{traced, untraced};
use cma_domain::Timestamp;
use cma_store::chain::ChainVerifier;
use cma_store::{Actor, EventStore, NewEvent, Position, Recorded, StreamId, Version};
use std::collections::HashMap;
use uuid::Uuid;

/// The streams of one test: a category of its own, so a test sharing its
/// log with others (KurrentDB) can pick its events out of `$all`.
pub struct Scope {
    category: String,
}

impl Scope {
    pub fn new() -> Self {
        Self {
            category: format!("contract{}", Uuid::new_v4().simple()),
        }
    }

    pub fn stream(&self) -> StreamId {
        StreamId::new(&self.category, Uuid::new_v4())
    }

    pub fn owns(&self, e: &Recorded) -> bool {
        e.stream.is_in(&self.category)
    }

    /// This test's events in the log after `after`, in log order.
    pub async fn log_since<S: EventStore + ?Sized>(
        &self,
        store: &S,
        after: Position,
    ) -> Vec<Recorded> {
        let mut out = Vec::new();
        let mut cursor = after;
        loop {
            let page = store.read_all(cursor, 1000).await.expect("read_all");
            let Some(last) = page.last() else {
                return out;
            };
            cursor = last.position;
            out.extend(page.into_iter().filter(|e| self.owns(e)));
        }
    }
}

/// An event with every optional envelope field set.
pub fn event(n: u32) -> NewEvent {
    NewEvent {
        event_id: Uuid::new_v4(),
        event_type: "ContractChecked".to_owned(),
        schema_version: 3,
        recorded_at: Timestamp::from_micros(1_767_225_600_123_456 + i64::from(n))
            .expect("a time in range"),
        actor: Actor::Staff(Uuid::new_v4()),
        metadata: traced("203.0.113.7", "Mozilla/5.0 (contract) ünïcødé"),
        payload: [b"payload-".as_slice(), &n.to_be_bytes(), &[0, 255, 10]].concat(),
    }
}

/// An event with every optional envelope field empty.
pub fn bare_event() -> NewEvent {
    NewEvent {
        event_id: Uuid::new_v4(),
        event_type: "ContractBare".to_owned(),
        schema_version: 1,
        recorded_at: Timestamp::UNIX_EPOCH,
        actor: Actor::System,
        metadata: untraced(),
        payload: Vec::new(),
    }
}

/// `count` full events numbered from `from`.
pub fn events(from: u32, count: u32) -> Vec<NewEvent> {
    (from..from + count).map(event).collect()
}

/// Asserts positions strictly increase.
pub fn assert_increasing(log: &[Recorded]) {
    for pair in log.windows(2) {
        assert!(
            pair[0].position < pair[1].position,
            "position {} follows {}",
            pair[1].position,
            pair[0].position
        );
    }
}

/// Asserts that every stream of `log` (a log read from its start, or the
/// events of streams begun after where it starts) holds versions 1, 2, 3, …
/// without a gap, and that its hash chain verifies.
pub fn assert_streams_whole(log: &[Recorded]) {
    let mut versions: HashMap<&StreamId, Vec<Version>> = HashMap::new();
    for e in log {
        versions.entry(&e.stream).or_default().push(e.version);
    }
    for (stream, v) in &versions {
        assert_eq!(
            v,
            &(1..=v.len() as Version).collect::<Vec<_>>(),
            "versions of {stream}"
        );
    }
    let mut verifier = ChainVerifier::default();
    for e in log {
        verifier
            .check(e)
            .unwrap_or_else(|broken| panic!("{broken}"));
    }
}
