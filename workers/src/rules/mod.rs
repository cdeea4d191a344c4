//! Timed rules (PRODUCT §8.5): tokio-cron-scheduler runs each job every few
//! seconds; each run reads `now` from the injectable clock. See `docs/worker.md`.

pub mod due;
pub mod jobs;
pub mod lock;

pub use due::DueIndex;
pub use jobs::{Rules, TimedJob};

use crate::WorkerError;
use std::sync::Arc;
use std::time::Duration;
use tokio_cron_scheduler::{Job, JobScheduler};

/// Starts every timed job on a scheduler, each repeated `every`.
pub async fn schedule(rules: Arc<Rules>, every: Duration) -> Result<JobScheduler, WorkerError> {
    let scheduler = JobScheduler::new().await?;
    for job in TimedJob::ALL {
        let rules = rules.clone();
        let local = Arc::new(tokio::sync::Mutex::new(()));
        scheduler
            .add(Job::new_repeated_async(every, move |_id, _scheduler| {
                let rules = rules.clone();
                let local = local.clone();
                Box::pin(async move {
                    let run = lock::exclusive(&rules.db, &local, job.name(), rules.run(job)).await;
                    match run {
                        Ok(Some(n)) if n > 0 => {
                            tracing::info!(job = job.name(), changed = n, "timed job ran")
                        }
                        Ok(_) => {}
                        Err(e) => tracing::error!(job = job.name(), error = %e, "timed job failed"),
                    }
                })
            })?)
            .await?;
    }
    scheduler.start().await?;
    Ok(scheduler)
}
