//! The envelope every stored event travels in.

use cma_domain::Timestamp;
use uuid::Uuid;

/// Global position in the log: 1 for the first event ever committed, then
/// strictly increasing in commit order. 0 means "before everything".
pub type Position = u64;

/// A stream's version: the number of events it holds. The first event of a
/// stream has version 1; an absent stream has version 0.
pub type Version = u64;

/// `{category}-{uuid}`, e.g. `quote-6f1c…`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamId(String);

impl StreamId {
    pub fn new(category: &str, id: Uuid) -> Self {
        Self(format!("{category}-{id}"))
    }

    /// A stream id read back from storage.
    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the first `-`.
    pub fn category(&self) -> &str {
        self.0.split_once('-').map_or(self.0.as_str(), |(c, _)| c)
    }
}

impl std::fmt::Display for StreamId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who caused an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Actor {
    Staff(Uuid),
    Client(Uuid),
    /// The worker or another process acting on its own (timed rules).
    System,
}

impl Actor {
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::Staff(_) => "staff",
            Actor::Client(_) => "client",
            Actor::System => "system",
        }
    }

    pub fn id(&self) -> Option<Uuid> {
        match self {
            Actor::Staff(id) | Actor::Client(id) => Some(*id),
            Actor::System => None,
        }
    }

    /// Rebuilds an actor from its stored kind and id.
    pub fn from_parts(kind: &str, id: Option<Uuid>) -> Option<Self> {
        match (kind, id) {
            ("staff", Some(id)) => Some(Actor::Staff(id)),
            ("client", Some(id)) => Some(Actor::Client(id)),
            ("system", None) => Some(Actor::System),
            _ => None,
        }
    }
}

/// Where a command came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    /// Shared by every event caused by one request.
    pub correlation_id: Uuid,
    /// The event (or request) that caused this one.
    pub causation_id: Option<Uuid>,
    /// The person's IP address, when a person sent the command.
    pub ip: Option<String>,
    /// The person's user agent, when a person sent the command.
    pub user_agent: Option<String>,
}

/// An event on its way into the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEvent {
    pub event_id: Uuid,
    pub event_type: String,
    pub schema_version: u16,
    pub recorded_at: Timestamp,
    pub actor: Actor,
    pub metadata: Metadata,
    /// Postcard bytes of the payload.
    pub payload: Vec<u8>,
}

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// An event as committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub position: Position,
    pub stream: StreamId,
    pub version: Version,
    pub event: NewEvent,
    /// The hash of the stream's previous event (zeros for the first).
    pub prev_hash: Hash,
    /// SHA-256 over `prev_hash` and this event's canonical bytes.
    pub hash: Hash,
}

impl Recorded {
    /// Decodes the payload as one of the domain's event enums.
    pub fn decode<E: cma_domain::EventCodec>(&self) -> Result<E, cma_domain::DecodeError> {
        E::decode(
            &self.event.event_type,
            self.event.schema_version,
            &self.event.payload,
        )
    }
}
