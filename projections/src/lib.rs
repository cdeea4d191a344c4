//! The query side (docs/product.md §2): read models built by checkpointed
//! projectors from the event log, the queries the API serves from them,
//! read-your-writes waits, lag, and rebuild with an atomic swap.
//!
//! See `docs/projections.md`.

pub mod checkpoint;
mod convert;
pub mod db;
pub mod error;
mod kept_views;
mod lease;
pub mod projector;
pub mod queries;
pub mod readiness;
pub mod rebuild;
pub mod records;
pub mod runner;
mod shadow;
mod table;
pub mod tail;
pub mod tx;
pub mod views;

pub use db::{Backend, ReadDb};
pub use error::ProjectionError;
pub use lease::{advisory_try_lock, advisory_unlock};
pub use projector::{Projector, TableNames};
pub use readiness::{Lag, MAX_WAIT, lag, lag_of, wait_for, wait_watching};
pub use records::Records;
pub use runner::{Projections, RunnerConfig, RunnerStatus, RunnerWatch};
