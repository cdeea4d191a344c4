//! One run of a job at a time: within a process by a mutex per job, and
//! across processes on PostgreSQL by a session advisory lock per job, taken
//! with `pg_try_advisory_lock` (a process that finds it taken skips that
//! run). A process that dies mid-job loses its connection and so its lock.

use crate::WorkerError;
use cma_projections::{Backend, ReadDb};
use sqlx::Acquire;
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
    let mut pooled = db.pool().acquire().await?;
    let conn = pooled.acquire().await?;
    let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, hashtext($2))")
        .bind(NAMESPACE)
        .bind(name)
        .fetch_one(&mut *conn)
        .await?;
    if !got {
        return Ok(None);
    }
    let outcome = job.await;
    let unlocked = sqlx::query("SELECT pg_advisory_unlock($1, hashtext($2))")
        .bind(NAMESPACE)
        .bind(name)
        .execute(&mut *conn)
        .await;
    if let Err(e) = unlocked {
        tracing::warn!(job = name, error = %e, "job lock not released; dropping its connection");
        drop(pooled.detach());
    }
    outcome.map(Some)
}
