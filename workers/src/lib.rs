//! The background worker (docs/product.md §2, §8.5, §9): emails composed from the
//! event log, kept in an outbox and sent through lettre, and the timed rules
//! run by tokio-cron-scheduler. See `docs/worker.md`.
//!
//! [`run_worker`] runs all of it until a shutdown signal; `cma serve` runs it
//! beside the API, `cma worker` on its own.

pub mod email;
pub mod rules;
mod worker;

pub use cma_projections::tail::Tail;
pub use cma_projections::{Backend, ProjectionError, ReadDb};
pub use worker::{WorkerConfig, run_worker};

/// Why the worker stopped or a job failed.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("read database: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    /// A command or load on the event store failed; the source is the
    /// command runner's error.
    #[error("event store: {0}")]
    Store(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("email transport: {0}")]
    Transport(#[from] email::transport::DeliveryError),
    #[error("scheduler: {0}")]
    Scheduler(#[from] tokio_cron_scheduler::JobSchedulerError),
}
