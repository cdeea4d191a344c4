//! The per-stream hash chain that makes the log tamper-evident.
//!
//! `hash = SHA-256(prev_hash ‖ canonical_bytes(event))`, with `prev_hash` all
//! zeros for a stream's first event. The canonical byte layout is documented
//! in docs/architecture.md ("Hashed bytes") and must never change for a
//! given `FORMAT` tag.

use crate::envelope::{Hash, NewEvent, Recorded, StreamId, Version};
use sha2::{Digest, Sha256};

/// Tag that opens every hashed record; a new layout would get a new tag.
pub const FORMAT: &[u8] = b"cma-event-v1";

/// The hash before a stream's first event.
pub const GENESIS: Hash = [0; 32];

/// The hash of one event given its stream position and predecessor's hash.
pub fn hash_event(prev: &Hash, stream: &StreamId, version: Version, event: &NewEvent) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(canonical_bytes(stream, version, event));
    h.finalize().into()
}

/// The canonical bytes of an event, everything but its global position
/// (which another backend may assign differently).
pub fn canonical_bytes(stream: &StreamId, version: Version, event: &NewEvent) -> Vec<u8> {
    let mut out = Vec::with_capacity(160 + event.payload.len());
    put_bytes(&mut out, FORMAT);
    put_bytes(&mut out, stream.as_str().as_bytes());
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(event.event_id.as_bytes());
    put_bytes(&mut out, event.event_type.as_bytes());
    out.extend_from_slice(&event.schema_version.to_be_bytes());
    out.extend_from_slice(&event.recorded_at.as_micros().to_be_bytes());
    put_bytes(&mut out, event.actor.kind().as_bytes());
    put_optional(
        &mut out,
        event.actor.id().as_ref().map(|id| id.as_bytes().as_slice()),
    );
    out.extend_from_slice(event.metadata.correlation_id.as_bytes());
    put_optional(
        &mut out,
        event
            .metadata
            .causation_id
            .as_ref()
            .map(|id| id.as_bytes().as_slice()),
    );
    put_optional(&mut out, event.metadata.ip.as_deref().map(str::as_bytes));
    put_optional(
        &mut out,
        event.metadata.user_agent.as_deref().map(str::as_bytes),
    );
    put_bytes(&mut out, &event.payload);
    out
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

fn put_optional(out: &mut Vec<u8>, bytes: Option<&[u8]>) {
    match bytes {
        None => out.push(0),
        Some(b) => {
            out.push(1);
            put_bytes(out, b);
        }
    }
}

/// The first place a stream's recorded events stop matching their chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenLink {
    pub stream: StreamId,
    pub version: Version,
    pub position: u64,
    pub expected: Hash,
    pub actual: Hash,
    pub reason: &'static str,
}

impl BrokenLink {
    fn at(e: &Recorded, reason: &'static str, expected: Hash, actual: Hash) -> Self {
        Self {
            stream: e.stream.clone(),
            version: e.version,
            position: e.position,
            expected,
            actual,
            reason,
        }
    }
}

impl std::fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} at stream {} version {} (position {}): expected {}, found {}",
            self.reason,
            self.stream,
            self.version,
            self.position,
            hex::encode(self.expected),
            hex::encode(self.actual)
        )
    }
}

/// Recomputes an event's hash from its stored bytes and compares it with
/// the recorded one. Independent of every other event, so it can run in parallel.
pub fn check_hash(e: &Recorded) -> Result<(), BrokenLink> {
    let recomputed = hash_event(&e.prev_hash, &e.stream, e.version, &e.event);
    if recomputed == e.hash {
        Ok(())
    } else {
        Err(BrokenLink::at(
            e,
            "content does not match its hash",
            recomputed,
            e.hash,
        ))
    }
}

/// Checks events of streams as they come in log order, remembering each
/// stream's last version and hash.
#[derive(Default)]
pub struct ChainVerifier {
    heads: std::collections::HashMap<StreamId, (Version, Hash)>,
    /// Starting mid-log: the first event seen of each stream is trusted as
    /// the link to its unseen predecessors.
    resuming: bool,
}

impl ChainVerifier {
    /// A verifier for a log read from its first event.
    pub fn new() -> Self {
        Self::default()
    }

    /// A verifier for a log read from some later position: each stream's
    /// chain is checked from the first of its events it sees.
    pub fn resuming() -> Self {
        Self {
            heads: std::collections::HashMap::new(),
            resuming: true,
        }
    }

    /// Checks the next event of the log; events must be fed in position order.
    pub fn check(&mut self, e: &Recorded) -> Result<(), BrokenLink> {
        self.link(e)?;
        check_hash(e)
    }

    /// Checks an event's place in its stream — version in sequence, previous
    /// hash equal to the stream's last hash — without recomputing its own hash
    /// (see [`check_hash`]); events must be fed in position order.
    pub fn link(&mut self, e: &Recorded) -> Result<(), BrokenLink> {
        let (last_version, last_hash) = match self.heads.get(&e.stream) {
            Some(head) => *head,
            None if self.resuming => (e.version.saturating_sub(1), e.prev_hash),
            None => (0, GENESIS),
        };
        if e.version != last_version + 1 {
            return Err(BrokenLink::at(
                e,
                "version out of sequence (event inserted, deleted or reordered)",
                last_hash,
                e.prev_hash,
            ));
        }
        if e.prev_hash != last_hash {
            return Err(BrokenLink::at(
                e,
                "previous-hash link does not match",
                last_hash,
                e.prev_hash,
            ));
        }
        self.heads.insert(e.stream.clone(), (e.version, e.hash));
        Ok(())
    }

    /// Number of streams seen so far.
    pub fn streams(&self) -> usize {
        self.heads.len()
    }
}
