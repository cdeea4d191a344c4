//! Timed rules (docs/product.md §8.5): tokio-cron-scheduler ticks each job every
//! few seconds, and the job's runner, a task of the worker's own, runs it;
//! each run reads `now` from the injectable clock. See `docs/worker.md`.

pub mod due;
pub mod jobs;
pub mod lock;
pub mod purge;

pub use due::DueIndex;
pub use jobs::{Rules, TimedJob};

use crate::WorkerError;
use lock::JobLock;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_cron_scheduler::{Job, JobScheduler};
use tokio_util::sync::CancellationToken;

/// The timed jobs of one worker: the scheduler and a runner per job.
///
/// Dropped without [`Jobs::stop`] (the worker's future dropped, its task
/// aborted), the runners end at once, wherever they are, as in a crash;
/// the scheduler's callbacks hold nothing but a way to wake them.
pub struct Jobs {
    scheduler: JobScheduler,
    runners: Vec<JoinHandle<()>>,
    stop: CancellationToken,
}

impl Jobs {
    /// Starts every timed job, each ticked every `every`.
    pub async fn start(rules: Arc<Rules>, every: Duration) -> Result<Jobs, WorkerError> {
        let scheduler = JobScheduler::new().await?;
        let stop = CancellationToken::new();
        let mut runners = Vec::new();
        for job in TimedJob::ALL {
            // One tick waits at most: a tick that comes while a run is under
            // way and another tick waits is dropped.
            let (tick, ticks) = mpsc::channel::<()>(1);
            scheduler
                .add(Job::new_repeated_async(every, move |_id, _scheduler| {
                    let _full_or_stopped = tick.try_send(());
                    Box::pin(async {})
                })?)
                .await?;
            runners.push(tokio::spawn(run(rules.clone(), job, ticks, stop.clone())));
        }
        scheduler.start().await?;
        Ok(Jobs {
            scheduler,
            runners,
            stop,
        })
    }

    /// Starts no further run and waits for the runs under way.
    pub async fn stop(mut self) -> Result<(), WorkerError> {
        self.stop.cancel();
        let stopped = self.scheduler.shutdown().await;
        for runner in self.runners.drain(..) {
            if let Err(e) = runner.await {
                tracing::warn!(error = %e, "job runner ended abnormally");
            }
        }
        Ok(stopped?)
    }
}

impl Drop for Jobs {
    fn drop(&mut self) {
        if self.runners.is_empty() {
            return;
        }
        for runner in &self.runners {
            runner.abort();
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let mut scheduler = self.scheduler.clone();
            runtime.spawn(async move {
                let _stopped = scheduler.shutdown().await;
            });
        }
    }
}

/// One job's runner: a run per tick, one after another, until stopped.
async fn run(
    rules: Arc<Rules>,
    job: TimedJob,
    mut ticks: mpsc::Receiver<()>,
    stop: CancellationToken,
) {
    let mut lock = JobLock::new(job.name());
    loop {
        tokio::select! {
            biased;
            () = stop.cancelled() => return,
            tick = ticks.recv() => if tick.is_none() { return },
        }
        match lock.exclusive(&rules.db, rules.run(job)).await {
            Ok(Some(n)) if n > 0 => tracing::info!(job = job.name(), changed = n, "timed job ran"),
            Ok(_) => {}
            Err(e) => tracing::error!(job = job.name(), error = %e, "timed job failed"),
        }
    }
}
