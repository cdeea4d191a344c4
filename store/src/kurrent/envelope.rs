//! How one of our events sits in a KurrentDB event: the event type is ours,
//! the data is the postcard payload (`application/octet-stream`), the event
//! id is our event id, and the custom metadata is a JSON object holding the
//! rest of the envelope and the chain link.

use crate::envelope::{Hashed, NewEvent, Recorded, StoredRef, Version};
use crate::sql::{recorded, to_hash};
use crate::store::StoreError;
use kurrentdb::{EventData, RecordedEvent};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The custom metadata of every event we write.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredMetadata {
    schema_version: u16,
    /// Unix microseconds, UTC.
    recorded_at: i64,
    actor_kind: String,
    actor_id: Option<Uuid>,
    correlation_id: Uuid,
    causation_id: Option<Uuid>,
    ip: Option<String>,
    user_agent: Option<String>,
    /// Our version: the number of events in the stream up to and including this one.
    stream_version: Version,
    /// Hex of the previous event's hash.
    prev_hash: String,
    /// Hex of this event's hash.
    hash: String,
}

/// Our event as KurrentDB event data, carrying its version and chain link.
pub fn to_event_data(
    event: &NewEvent,
    version: Version,
    prev_hash: &crate::Hash,
    hash: &crate::Hash,
) -> Result<EventData, StoreError> {
    let metadata = StoredMetadata {
        schema_version: event.schema_version,
        recorded_at: event.recorded_at.as_micros(),
        actor_kind: event.actor.kind().to_owned(),
        actor_id: event.actor.id(),
        correlation_id: event.metadata.correlation_id,
        causation_id: event.metadata.causation_id,
        ip: event.metadata.ip.clone(),
        user_agent: event.metadata.user_agent.clone(),
        stream_version: version,
        prev_hash: hex::encode(prev_hash),
        hash: hex::encode(hash),
    };
    EventData::binary(&event.event_type, event.payload.clone().into())
        .id(event.event_id)
        .metadata_as_json(&metadata)
        .map_err(|e| StoreError::because("cannot encode event metadata", e))
}

/// Our envelope back from a KurrentDB event; `None` when the event was not
/// written by this store (a system event, or one without our metadata).
pub fn from_recorded(e: &RecordedEvent) -> Option<Result<Recorded, StoreError>> {
    if e.event_type.starts_with('$') {
        return None;
    }
    let stored: StoredMetadata = serde_json::from_slice(&e.custom_metadata).ok()?;
    Some(rebuild(e, stored))
}

fn rebuild(e: &RecordedEvent, m: StoredMetadata) -> Result<Recorded, StoreError> {
    let position = e.position.commit;
    let corrupt = |reason: &str| StoreError::Corrupt {
        position,
        reason: reason.to_owned(),
    };
    if e.revision.checked_add(1) != Some(m.stream_version) {
        return Err(corrupt(
            "stream revision does not match the recorded version",
        ));
    }
    let from_hex = |text: &str| hex::decode(text).ok().and_then(|b| to_hash(&b));
    let prev_hash = from_hex(&m.prev_hash).ok_or_else(|| corrupt("bad previous hash"))?;
    let hash = from_hex(&m.hash).ok_or_else(|| corrupt("bad hash"))?;
    recorded(&StoredRef {
        position,
        hashed: Hashed {
            stream: e.stream_id(),
            version: m.stream_version,
            event_id: e.id,
            event_type: &e.event_type,
            schema_version: m.schema_version,
            recorded_at: m.recorded_at,
            actor_kind: &m.actor_kind,
            actor_id: m.actor_id,
            correlation_id: m.correlation_id,
            causation_id: m.causation_id,
            ip: m.ip.as_deref(),
            user_agent: m.user_agent.as_deref(),
            payload: &e.data,
        },
        prev_hash: &prev_hash,
        hash: &hash,
    })
}
