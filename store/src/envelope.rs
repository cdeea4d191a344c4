//! The envelope every stored event travels in.

use cma_domain::Timestamp;
use uuid::Uuid;

/// Global position in the log: 1 for the first event ever committed, then
/// strictly increasing in commit order. 0 means "before everything".
pub type Position = u64;

/// A stream's version: the number of events it holds. The first event of a
/// stream has version 1; an absent stream has version 0.
pub type Version = u64;

/// A fresh event id: time-ordered (UUID version 7), so the log's index of
/// event ids grows at its end rather than at random places.
pub fn new_event_id() -> Uuid {
    Uuid::now_v7()
}

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

    /// Whether the stream is of `category` (which holds no `-`): its id
    /// is `{category}` or starts with `{category}-`.
    pub fn is_in(&self, category: &str) -> bool {
        self.0
            .strip_prefix(category)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
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

/// The hashed fields of an event, borrowed: the bytes its chain hash covers.
#[derive(Clone, Copy, Debug)]
pub struct Hashed<'a> {
    pub stream: &'a str,
    pub version: Version,
    pub event_id: Uuid,
    pub event_type: &'a str,
    pub schema_version: u16,
    /// Unix microseconds.
    pub recorded_at: i64,
    pub actor_kind: &'a str,
    pub actor_id: Option<Uuid>,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub payload: &'a [u8],
}

impl<'a> Hashed<'a> {
    /// The hashed fields of `event` as the `version`th event of `stream`.
    pub fn of(stream: &'a StreamId, version: Version, event: &'a NewEvent) -> Self {
        Self {
            stream: stream.as_str(),
            version,
            event_id: event.event_id,
            event_type: &event.event_type,
            schema_version: event.schema_version,
            recorded_at: event.recorded_at.as_micros(),
            actor_kind: event.actor.kind(),
            actor_id: event.actor.id(),
            correlation_id: event.metadata.correlation_id,
            causation_id: event.metadata.causation_id,
            ip: event.metadata.ip.as_deref(),
            user_agent: event.metadata.user_agent.as_deref(),
            payload: &event.payload,
        }
    }
}

/// A committed event borrowed from wherever it was read (a decoded
/// [`Recorded`], or a row still in the database's buffers).
#[derive(Clone, Copy, Debug)]
pub struct StoredRef<'a> {
    pub position: Position,
    pub hashed: Hashed<'a>,
    pub prev_hash: &'a Hash,
    pub hash: &'a Hash,
}

impl Recorded {
    /// This event, borrowed.
    pub fn as_stored(&self) -> StoredRef<'_> {
        StoredRef {
            position: self.position,
            hashed: Hashed::of(&self.stream, self.version, &self.event),
            prev_hash: &self.prev_hash,
            hash: &self.hash,
        }
    }
}

impl std::borrow::Borrow<str> for StreamId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// An event of no kind in particular, for the store's own tests.
#[cfg(test)]
pub(crate) fn noted() -> NewEvent {
    NewEvent {
        event_id: new_event_id(),
        event_type: "Noted".to_owned(),
        schema_version: 1,
        recorded_at: Timestamp::parse_rfc3339("2026-12-04T12:00:00Z").expect("instant"),
        actor: Actor::System,
        metadata: Metadata::default(),
        payload: vec![1, 2, 3],
    }
}

#[cfg(test)]
mod tests {
    use super::StreamId;

    #[test]
    fn is_in_reads_the_part_before_the_first_dash() {
        let cases = [
            ("quote-1", "quote", true),
            ("quote", "quote", true),
            ("quote-a-b", "quote", true),
            ("quotes-1", "quote", false),
            ("quote-1", "quotes", false),
            ("quot-1", "quote", false),
            ("quote-1", "quot", false),
            ("-quote", "quote", false),
            ("-quote", "", true),
            ("", "", true),
            ("quote-1", "", false),
        ];
        for (raw, category, expected) in cases {
            let stream = StreamId::from_stored(raw.to_owned());
            assert_eq!(stream.is_in(category), expected, "{raw:?} in {category:?}");
        }
    }
}
