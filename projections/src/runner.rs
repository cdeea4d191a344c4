//! Runs projectors: each catches up from its checkpoint, then follows the
//! log (store notifications, with polling as a fallback), one batch per
//! transaction. The checkpoint moves in the batch's own transaction, and
//! only from the position stored when the batch was read, so a crash at
//! any point neither loses nor repeats an event, and a second writer (a
//! rebuild's swap, a lease that changed hands) makes the batch read again.
//!
//! A batch with nothing for the projector (most of them: each command
//! concerns one or two of the views) begins no transaction: the runner
//! moves past it in memory, reports that position at once (this process's
//! read-your-writes waits on it), and stores it within
//! [`RunnerConfig::store_within`], with the same fence. While idle it reads
//! its stored checkpoint again every poll interval, so a rebuild swapped in
//! meanwhile is followed from where it left the tables.
//!
//! On PostgreSQL each projector runs only while its process holds the
//! projector's lease; on SQLite the runner is in-process only.

use crate::checkpoint;
use crate::db::{Backend, ReadDb};
use crate::error::ProjectionError;
use crate::kept_views;
use crate::lease::Lease;
use crate::projector::{Projector, TableNames};
use crate::tail::Tail;
use crate::tx::{Deferred, Outcome};
use cma_store::{Position, Recorded};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

#[derive(Clone, Debug)]
pub struct RunnerConfig {
    /// Most events applied in one transaction.
    pub batch_size: usize,
    /// How long to wait for a notification before looking anyway.
    pub poll_interval: Duration,
    /// How often a standby asks for the lease, and the pause after an error.
    pub retry_interval: Duration,
    /// The longest a runner keeps unstored a position it moved to past
    /// events with nothing for its projector.
    pub store_within: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            batch_size: 1_000,
            poll_interval: Duration::from_secs(1),
            retry_interval: Duration::from_secs(1),
            store_within: Duration::from_millis(50),
        }
    }
}

/// What one projector's runner is doing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunnerStatus {
    /// Running here (it holds the lease, on PostgreSQL).
    pub active: bool,
    /// Every event up to here is in the projector's tables (or had
    /// nothing for them).
    pub position: Position,
    /// The checkpoint as stored, when this runner last read or wrote it;
    /// `position` runs ahead of it past events with nothing to write.
    pub stored: Position,
    /// The last event of the last batch that wrote to the projector's
    /// tables here (0 before one): a follower's readers wake when it moves.
    pub written: Position,
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
    /// Starts one runner task per projector, reading the log through
    /// `tail` (shared with the process's other runners).
    pub fn start(
        db: ReadDb,
        tail: &Arc<Tail>,
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
                tail: tail.clone(),
                projector,
                config: config.clone(),
                status: tx,
                progress: progress.clone(),
                cancel: cancel.clone(),
            };
            tasks.push(tokio::spawn(runner.run()));
        }
        if db.kept_views().is_some() {
            tasks.push(tokio::spawn(kept_views::follow_swaps(
                db.clone(),
                config.poll_interval,
                cancel.clone(),
            )));
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

    /// Whether an active runner here has processed `position`, going on
    /// from `stored`, the checkpoint of projector `name` read just now (a
    /// rebuild's swap or another runner moves it from where this runner
    /// left it).
    pub fn reached(&self, name: &str, stored: Position, position: Position) -> bool {
        self.status.get(name).is_some_and(|rx| {
            let status = *rx.borrow();
            status.active && status.stored == stored && status.position >= position
        })
    }

    /// Runner `name`'s status, as it changes.
    pub fn of(&self, name: &str) -> Option<watch::Receiver<RunnerStatus>> {
        self.status.get(name).cloned()
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
    /// Where the events come from, shared by the runners of a process.
    tail: Arc<Tail>,
    projector: Arc<dyn Projector>,
    config: RunnerConfig,
    status: watch::Sender<RunnerStatus>,
    progress: Arc<watch::Sender<()>>,
    cancel: CancellationToken,
}

/// What one step of a runner did.
enum Step {
    /// Applied a full batch, stored a position or found the checkpoint
    /// moved: look again at once.
    Busy,
    /// Nothing more in the log when it was read.
    Idle,
}

/// Where a runner is in the log.
#[derive(Clone, Copy, Debug)]
struct Cursor {
    /// The checkpoint as stored.
    stored: Position,
    /// Past `stored` by events with nothing for the projector.
    position: Position,
    /// Since when `position` has been ahead of `stored`.
    unstored_since: Option<Instant>,
}

impl Cursor {
    fn at(stored: Position) -> Self {
        Self {
            stored,
            position: stored,
            unstored_since: None,
        }
    }

    fn skip_to(&mut self, position: Position) {
        self.position = position;
        self.unstored_since.get_or_insert_with(Instant::now);
    }

    /// When the position must be stored by; None when it is.
    fn store_by(&self, within: Duration) -> Option<Instant> {
        self.unstored_since.map(|since| since + within)
    }
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

    /// Reports where `cursor` is, and the end of a batch just `written`.
    fn report_at(&self, cursor: &Cursor, written: Option<Position>) {
        self.report(|s| {
            s.position = cursor.position;
            s.stored = cursor.stored;
            s.written = written.unwrap_or(s.written);
        });
    }

    async fn run(self) {
        let mut wake = self.tail.store().subscribe();
        let mut lease: Option<Lease> = None;
        // None: read the stored checkpoint before the next batch.
        let mut cursor: Option<Cursor> = None;
        while !self.cancel.is_cancelled() {
            if self.db.backend() == Backend::Postgres && !self.hold(&mut lease).await {
                cursor = None;
                self.pause(self.config.retry_interval).await;
                continue;
            }
            self.report(|s| s.active = true);
            match self.step(&mut cursor).await {
                Ok(Step::Busy) => {}
                Ok(Step::Idle) => {
                    let store_by = cursor.and_then(|c| c.store_by(self.config.store_within));
                    let poll = tokio::time::sleep(self.config.poll_interval);
                    tokio::select! {
                        _ = wake.changed() => {}
                        () = sleep_until(store_by) => {}
                        () = poll => {
                            // Nothing for a while: look at the stored
                            // checkpoint again, in case a rebuild moved it.
                            if cursor.is_some_and(|c| c.unstored_since.is_none()) {
                                cursor = None;
                            }
                        }
                        () = self.cancel.cancelled() => {}
                    }
                }
                Err(e) => {
                    cursor = None;
                    tracing::error!(projector = self.name(), error = %e, "projection failed; retrying");
                    self.pause(self.config.retry_interval).await;
                }
            }
        }
        if let Some(c) = cursor
            && let Err(e) = self.store(c).await
        {
            tracing::warn!(projector = self.name(), error = %e, "checkpoint not stored at stop");
        }
        if let Some(lease) = lease {
            lease.release().await;
        }
        self.report(|s| s.active = false);
    }

    /// Keeps or takes the lease; false while another process holds it.
    async fn hold(&self, lease: &mut Option<Lease>) -> bool {
        if let Some(held) = lease.as_mut() {
            if held.is_held(self.config.retry_interval).await {
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

    async fn step(&self, cursor: &mut Option<Cursor>) -> Result<Step, ProjectionError> {
        let mut at = match *cursor {
            Some(at) => at,
            None => {
                let stored = checkpoint::read(self.db.pool(), self.name()).await?;
                // Moved since this runner last stored it (a rebuild's swap):
                // what was kept of its tables is of the old ones.
                if stored != self.status.borrow().stored
                    && let Some(kept) = self.db.kept_views()
                {
                    kept.drop_all();
                }
                Cursor::at(stored)
            }
        };
        *cursor = Some(at);
        self.report_at(&at, None);
        if at
            .store_by(self.config.store_within)
            .is_some_and(|by| by <= Instant::now())
        {
            *cursor = self.store(at).await?;
            return Ok(Step::Busy);
        }
        let events = self
            .tail
            .read_after(at.position, self.config.batch_size)
            .await?;
        let Some(last) = events.last().map(|e| e.position) else {
            return Ok(Step::Idle);
        };
        let writing = self
            .db
            .kept_views()
            .and_then(|kept| kept.writing(self.projector.tables(), &events));
        let applied = apply_batch(&self.db, self.projector.as_ref(), at.stored, &events).await;
        drop(writing);
        let written = match applied? {
            Applied::Written => {
                at = Cursor::at(last);
                Some(last)
            }
            Applied::Nothing => {
                at.skip_to(last);
                None
            }
            Applied::Moved => {
                // Read again before the next batch, which drops what was
                // kept of the tables another process wrote.
                *cursor = None;
                return Ok(Step::Busy);
            }
        };
        *cursor = Some(at);
        self.report_at(&at, written);
        // Fewer than asked for: the log had no more when read. Anything
        // appended since has changed the store's notification.
        Ok(if events.len() < self.config.batch_size {
            Step::Idle
        } else {
            Step::Busy
        })
    }

    /// Stores the position `at` moved to past events with nothing to
    /// write: where the runner is then, or None when the checkpoint had
    /// moved meanwhile (read it again).
    async fn store(&self, at: Cursor) -> Result<Option<Cursor>, ProjectionError> {
        if at.unstored_since.is_none() {
            return Ok(Some(at));
        }
        let mut tx = self.db.begin().await?;
        let stored = checkpoint::advance(tx.as_mut(), self.name(), at.stored, at.position).await?;
        tx.commit().await?;
        Ok(stored.then(|| Cursor::at(at.position)))
    }
}

/// Sleeps until `deadline`; forever without one.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// What [`apply_batch`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Wrote the batch and moved the checkpoint to its last event.
    Written,
    /// The batch had nothing for the projector: no transaction was begun,
    /// the checkpoint is where it was.
    Nothing,
    /// The checkpoint was no longer at the position given: nothing written.
    Moved,
}

/// Applies `events` and moves the checkpoint to the last of them, in one
/// transaction begun at the projector's first statement, and only while
/// the stored checkpoint is `stored`.
pub async fn apply_batch(
    db: &ReadDb,
    projector: &dyn Projector,
    stored: Position,
    events: &[Recorded],
) -> Result<Applied, ProjectionError> {
    let Some(last) = events.last().map(|e| e.position) else {
        return Ok(Applied::Nothing);
    };
    let mut tx = Deferred::new(db, projector.name(), stored);
    let applied = projector.apply(&mut tx, &TableNames::LIVE, events).await;
    match (tx.finish(), applied) {
        (Outcome::Moved, _) => Ok(Applied::Moved),
        (_, Err(e)) => Err(e),
        (Outcome::Nothing, Ok(())) => Ok(Applied::Nothing),
        (Outcome::Written(mut tx), Ok(())) => {
            checkpoint::set(tx.as_mut(), projector.name(), last).await?;
            tx.commit().await?;
            Ok(Applied::Written)
        }
    }
}
