//! Runs projectors: each catches up from its checkpoint, then follows the
//! log (store notifications, with polling as a fallback), one batch per
//! transaction. The checkpoint moves in the batch's own transaction, and
//! only from the position the batch was read after, so a crash at any
//! point neither loses nor repeats an event, and a second writer (a
//! rebuild's swap, a lease that changed hands) makes the batch retry.
//!
//! On PostgreSQL each projector runs only while its process holds the
//! projector's lease; on SQLite the runner is in-process only.

use crate::checkpoint;
use crate::db::{Backend, ReadDb};
use crate::error::ProjectionError;
use crate::lease::Lease;
use crate::projector::{Projector, TableNames};
use cma_store::{EventStore, Position, Recorded};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

#[derive(Clone, Debug)]
pub struct RunnerConfig {
    /// Most events applied in one transaction.
    pub batch_size: usize,
    /// How long to wait for a notification before looking anyway.
    pub poll_interval: Duration,
    /// How often a standby asks for the lease, and the pause after an error.
    pub retry_interval: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            batch_size: 1_000,
            poll_interval: Duration::from_secs(1),
            retry_interval: Duration::from_secs(1),
        }
    }
}

/// What one projector's runner is doing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunnerStatus {
    /// Running here (it holds the lease, on PostgreSQL).
    pub active: bool,
    /// The last checkpoint this runner saw or wrote.
    pub position: Position,
}

/// The projector runners of this process.
pub struct Projections {
    cancel: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
    status: HashMap<&'static str, watch::Receiver<RunnerStatus>>,
    /// Changes whenever any runner's status does.
    progress: watch::Receiver<()>,
}

impl Projections {
    /// Starts one runner task per projector.
    pub fn start(
        db: ReadDb,
        store: Arc<dyn EventStore>,
        projectors: Vec<Arc<dyn Projector>>,
        config: RunnerConfig,
    ) -> Self {
        let cancel = CancellationToken::new();
        let mut tasks = Vec::new();
        let mut status = HashMap::new();
        let (progress, progress_rx) = watch::channel(());
        let progress = Arc::new(progress);
        for projector in projectors {
            let (tx, rx) = watch::channel(RunnerStatus::default());
            status.insert(projector.name(), rx);
            let runner = Runner {
                db: db.clone(),
                store: store.clone(),
                projector,
                config: config.clone(),
                status: tx,
                progress: progress.clone(),
                cancel: cancel.clone(),
            };
            tasks.push(tokio::spawn(runner.run()));
        }
        Self {
            cancel,
            tasks,
            status,
            progress: progress_rx,
        }
    }

    /// The status of projector `name`'s runner.
    pub fn status(&self, name: &str) -> Option<RunnerStatus> {
        self.status.get(name).map(|rx| *rx.borrow())
    }

    /// A handle on the runners' statuses that others may keep (a
    /// readiness report), cheap to clone.
    pub fn watch(&self) -> RunnerWatch {
        RunnerWatch {
            status: self.status.clone(),
            progress: self.progress.clone(),
        }
    }

    /// Whether every runner here is active.
    pub fn all_active(&self) -> bool {
        self.status.values().all(|rx| rx.borrow().active)
    }

    /// Whether any runner here is active.
    pub fn any_active(&self) -> bool {
        self.status.values().any(|rx| rx.borrow().active)
    }

    /// Stops after the current batches and releases the leases.
    pub async fn stop(self) {
        self.cancel.cancel();
        for task in self.tasks {
            if let Err(e) = task.await {
                tracing::warn!(error = %e, "projector task ended abnormally");
            }
        }
    }

    /// Ends every runner at once, wherever it is, as a crash would.
    pub fn abort(self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// The statuses of a set of runners, as they change.
#[derive(Clone, Debug)]
pub struct RunnerWatch {
    status: HashMap<&'static str, watch::Receiver<RunnerStatus>>,
    progress: watch::Receiver<()>,
}

impl RunnerWatch {
    /// Each runner's name and status, by name.
    pub fn statuses(&self) -> Vec<(&'static str, RunnerStatus)> {
        let mut all: Vec<_> = self
            .status
            .iter()
            .map(|(n, rx)| (*n, *rx.borrow()))
            .collect();
        all.sort_by_key(|(name, _)| *name);
        all
    }

    /// The lowest checkpoint among `names` when a runner here is active
    /// for each of them (so it alone moves that checkpoint); None otherwise.
    pub fn processed(&self, names: &[&str]) -> Option<Position> {
        names
            .iter()
            .map(|name| {
                let status = *self.status.get(name)?.borrow();
                status.active.then_some(status.position)
            })
            .try_fold(Position::MAX, |low, p| Some(low.min(p?)))
    }

    /// Resolves when any runner's status changes; never once the runners
    /// have all ended.
    pub async fn changed(&mut self) {
        if self.progress.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

struct Runner {
    db: ReadDb,
    store: Arc<dyn EventStore>,
    projector: Arc<dyn Projector>,
    config: RunnerConfig,
    status: watch::Sender<RunnerStatus>,
    progress: Arc<watch::Sender<()>>,
    cancel: CancellationToken,
}

/// What one step of a runner did.
enum Step {
    /// Applied a batch (or found the checkpoint moved): look again at once.
    Busy,
    /// Nothing new after the checkpoint.
    Idle,
}

impl Runner {
    fn name(&self) -> &'static str {
        self.projector.name()
    }

    /// Changes this runner's status, and tells the waiters when it did.
    fn report(&self, change: impl FnOnce(&mut RunnerStatus)) {
        let changed = self.status.send_if_modified(|status| {
            let before = *status;
            change(status);
            *status != before
        });
        if changed {
            self.progress.send_replace(());
        }
    }

    async fn run(self) {
        let mut wake = self.store.subscribe();
        let mut lease: Option<Lease> = None;
        while !self.cancel.is_cancelled() {
            if self.db.backend() == Backend::Postgres && !self.hold(&mut lease).await {
                self.pause(self.config.retry_interval).await;
                continue;
            }
            self.report(|s| s.active = true);
            match self.step().await {
                Ok(Step::Busy) => {}
                Ok(Step::Idle) => {
                    tokio::select! {
                        _ = wake.changed() => {}
                        _ = tokio::time::sleep(self.config.poll_interval) => {}
                        _ = self.cancel.cancelled() => {}
                    }
                }
                Err(e) => {
                    tracing::error!(projector = self.name(), error = %e, "projection failed; retrying");
                    self.pause(self.config.retry_interval).await;
                }
            }
        }
        if let Some(lease) = lease {
            lease.release().await;
        }
        self.report(|s| s.active = false);
    }

    /// Keeps or takes the lease; false while another process holds it.
    async fn hold(&self, lease: &mut Option<Lease>) -> bool {
        if let Some(held) = lease.as_mut() {
            if held.is_held().await {
                return true;
            }
            tracing::warn!(projector = self.name(), "lease lost");
            *lease = None;
        }
        self.report(|s| s.active = false);
        match Lease::try_acquire(&self.db, self.name()).await {
            Ok(Some(l)) => {
                tracing::info!(projector = self.name(), "lease taken; projecting");
                *lease = Some(l);
                true
            }
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(projector = self.name(), error = %e, "cannot ask for the lease");
                false
            }
        }
    }

    async fn pause(&self, for_how_long: Duration) {
        tokio::select! {
            _ = tokio::time::sleep(for_how_long) => {}
            _ = self.cancel.cancelled() => {}
        }
    }

    async fn step(&self) -> Result<Step, ProjectionError> {
        let after = checkpoint::read(self.db.pool(), self.name()).await?;
        self.report(|s| s.position = after);
        let events = self.store.read_all(after, self.config.batch_size).await?;
        let Some(last) = events.last().map(|e| e.position) else {
            return Ok(Step::Idle);
        };
        if apply_batch(&self.db, self.projector.as_ref(), after, &events).await? {
            self.report(|s| s.position = last);
        }
        Ok(Step::Busy)
    }
}

/// Applies `events` (read after `after`) and moves the checkpoint to the
/// last of them, in one transaction; false (nothing written) when the
/// checkpoint is no longer at `after`.
pub async fn apply_batch(
    db: &ReadDb,
    projector: &dyn Projector,
    after: Position,
    events: &[Recorded],
) -> Result<bool, ProjectionError> {
    let Some(last) = events.last().map(|e| e.position) else {
        return Ok(true);
    };
    let mut tx = db.begin().await?;
    if checkpoint::lock(tx.as_mut(), projector.name()).await? != after {
        tx.rollback().await?;
        return Ok(false);
    }
    projector
        .apply(tx.as_mut(), &TableNames::LIVE, events)
        .await?;
    checkpoint::set(tx.as_mut(), projector.name(), last).await?;
    tx.commit().await?;
    Ok(true)
}
