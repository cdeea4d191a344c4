//! The event log: one store trait, adapters for SQLite (embedded default),
//! PostgreSQL (scale-out) and KurrentDB (feature `kurrentdb`), the per-stream
//! hash chain, and the application service that runs domain decisions
//! against it.

pub mod chain;
pub mod clock;
mod committer;
pub mod envelope;
pub mod event_ids;
mod folded;
pub mod guarded;
#[cfg(feature = "kurrentdb")]
pub mod kurrent;
pub mod migrations;
pub mod owned;
pub mod postgres;
pub mod service;
mod sql;
pub mod sqlite;
pub mod store;
pub mod verify;

pub use clock::Clock;
pub use envelope::{
    Actor, Hash, Metadata, NewEvent, Position, Recorded, StreamId, Version, new_event_id,
};
pub use event_ids::DerivedIds;
pub use service::{CommandContext, Executed, Loaded, Service, ServiceError};
pub use store::{
    AppendError, Appended, EventStore, Expected, Queued, Series, StoreError, Unreadable,
};
