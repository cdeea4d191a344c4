//! One run of a job at a time across processes. On PostgreSQL each job's
//! runner holds a session advisory lock, `pg_try_advisory_lock`, on a
//! connection of its own, outside the read pools, for the length of a run;
//! a process that finds the lock taken skips that run. The lock never
//! occupies a pooled connection the run itself needs, and it never goes
//! back into a pool: it ends with the run (`pg_advisory_unlock`), or with
//! the connection when the run is dropped or its process dies.
//!
//! Within a process the job's runner is one task, so its runs never overlap.

use crate::WorkerError;
use cma_projections::{Backend, ReadDb, advisory_try_lock, advisory_unlock};
use sqlx::AnyConnection;
use std::future::Future;

/// The lock namespace of worker jobs ("CMAW" in ASCII).
const NAMESPACE: i32 = 0x434d_4157;

/// The cross-process lock of one job, held by that job's runner.
pub struct JobLock {
    name: &'static str,
    /// The lock's own connection, opened on first use and kept between runs.
    conn: Option<AnyConnection>,
}

impl JobLock {
    pub fn new(name: &'static str) -> Self {
        Self { name, conn: None }
    }

    /// Runs `job` unless another process is running this job; `None` when skipped.
    pub async fn exclusive<T>(
        &mut self,
        db: &ReadDb,
        job: impl Future<Output = Result<T, WorkerError>>,
    ) -> Result<Option<T>, WorkerError> {
        if db.backend() == Backend::Sqlite {
            return job.await.map(Some);
        }
        let mut conn = match self.conn.take() {
            Some(conn) => conn,
            None => db.dedicated().await?,
        };
        // On any error the connection is dropped, which ends its session
        // and with it any lock it holds.
        if !advisory_try_lock(&mut conn, NAMESPACE, self.name).await? {
            self.conn = Some(conn);
            return Ok(None);
        }
        let outcome = job.await;
        advisory_unlock(&mut conn, NAMESPACE, self.name).await?;
        self.conn = Some(conn);
        outcome.map(Some)
    }
}
