//! One run of a job at a time: within a process by a mutex per job, and
//! across processes on PostgreSQL by a transaction-scoped advisory lock per
//! job, taken with `pg_try_advisory_xact_lock` (a process that finds it
//! taken skips that run). The lock ends with its transaction, which ends
//! when the run does, or when a dying process's connection drops.

use crate::WorkerError;
use cma_projections::{Backend, ReadDb};
use std::future::Future;

/// The lock namespace of worker jobs ("CMAW" in ASCII).
const NAMESPACE: i32 = 0x434d_4157;

/// Runs `job` unless another run of `name` holds the lock; `None` when skipped.
pub async fn exclusive<T>(
    db: &ReadDb,
    local: &tokio::sync::Mutex<()>,
    name: &str,
    job: impl Future<Output = Result<T, WorkerError>>,
) -> Result<Option<T>, WorkerError> {
    let Ok(_here) = local.try_lock() else {
        return Ok(None);
    };
    if db.backend() == Backend::Sqlite {
        return job.await.map(Some);
    }
    let mut held = db.pool().begin().await?;
    let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1, hashtext($2))")
        .bind(NAMESPACE)
        .bind(name)
        .fetch_one(&mut *held)
        .await?;
    if !got {
        held.rollback().await?;
        return Ok(None);
    }
    let outcome = job.await;
    held.commit().await?;
    outcome.map(Some)
}
