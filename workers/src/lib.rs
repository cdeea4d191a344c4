//! The background worker (docs/product.md §2, §8.5, §9): emails composed from the
//! event log, kept in an outbox and sent through lettre, and the timed rules
//! run by tokio-cron-scheduler. See `docs/worker.md`.
//!
//! [`run_worker`] runs all of it until a shutdown signal; `cma serve` runs it
//! beside the API, `cma worker` on its own.

pub mod email;
pub mod rules;
mod worker;

pub use cma_projections::{Backend, ProjectionError, ReadDb};
pub use worker::{WorkerConfig, run_worker};

/// Why the worker stopped or a job failed.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("read database: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    #[error("event store: {0}")]
    Store(String),
    #[error("email transport: {0}")]
    Transport(#[from] email::transport::DeliveryError),
    #[error("scheduler: {0}")]
    Scheduler(#[from] tokio_cron_scheduler::JobSchedulerError),
}
