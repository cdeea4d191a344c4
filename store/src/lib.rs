//! The event log: one store trait, adapters for SQLite (embedded default),
//! PostgreSQL (scale-out) and KurrentDB (feature `kurrentdb`), the per-stream
//! hash chain, and the application service that runs domain decisions
//! against it.

pub mod chain;
mod committer;
pub mod envelope;
#[cfg(feature = "kurrentdb")]
pub mod kurrent;
pub mod migrations;
pub mod postgres;
mod sql;
pub mod sqlite;
pub mod store;

pub use envelope::{Actor, Hash, Metadata, NewEvent, Position, Recorded, StreamId, Version};
pub use store::{AppendError, Appended, EventStore, Expected, StoreError};
