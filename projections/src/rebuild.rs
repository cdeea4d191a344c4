//! `cma projections rebuild [NAME | --all]`: replays the whole log into
//! fresh shadow tables, then swaps them in and sets the checkpoints in one
//! transaction. Reads keep being served from the old tables until the
//! swap commits; live runners then go on from the rebuilt position.

use crate::checkpoint;
use crate::db::{Backend, ReadDb};
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames};
use crate::shadow::Shadow;
use crate::tx::{Shared, Transaction};
use cma_store::{EventStore, Position, Recorded, StoreError};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Events read and applied at a time.
pub const REBUILD_BATCH: usize = 50_000;

/// How long a rebuild transaction runs before it commits: long enough that
/// pages touched by many batches are written once, short enough that the
/// live projectors (SQLite has one writer) get their turn in between.
const COMMIT_EVERY: Duration = Duration::from_secs(2);

/// Where a rebuild reports how far it got.
pub trait Progress: Send + Sync {
    /// The log holds `total` events now.
    fn start(&self, total: u64);
    /// Every event up to `position` is applied.
    fn advance(&self, position: Position);
    fn finish(&self);
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _total: u64) {}
    fn advance(&self, _position: Position) {}
    fn finish(&self) {}
}

/// A terminal progress bar.
pub struct Bar(indicatif::ProgressBar);

impl Bar {
    pub fn new() -> Self {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} rebuilding [{bar:40}] {pos}/{len} events ({per_sec}, eta {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Self(bar)
    }
}

impl Default for Bar {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress for Bar {
    fn start(&self, total: u64) {
        self.0.set_length(total);
    }

    fn advance(&self, position: Position) {
        self.0
            .set_position(position.min(self.0.length().unwrap_or(position)));
    }

    fn finish(&self) {
        self.0.finish();
    }
}

/// What a rebuild did.
#[derive(Clone, Debug, PartialEq)]
pub struct Rebuilt {
    pub projectors: Vec<&'static str>,
    /// Events replayed.
    pub events: u64,
    /// The checkpoint the rebuilt projectors start from.
    pub position: Position,
    pub elapsed: Duration,
}

/// The projectors called `names` (all of them when empty).
pub fn select(names: &[String]) -> Result<Vec<Arc<dyn Projector>>, ProjectionError> {
    let all = crate::views::all();
    if names.is_empty() {
        return Ok(all);
    }
    names
        .iter()
        .map(|n| {
            all.iter()
                .find(|p| p.name() == n)
                .cloned()
                .ok_or_else(|| ProjectionError::UnknownProjector(n.clone()))
        })
        .collect()
}

/// Rebuilds `projectors` from position 0 and swaps the result in. The
/// writer has a rebuild's page cache meanwhile.
pub async fn rebuild(
    store: Arc<dyn EventStore>,
    db: &ReadDb,
    projectors: &[Arc<dyn Projector>],
    progress: &dyn Progress,
) -> Result<Rebuilt, ProjectionError> {
    db.size_for_rebuild(true).await?;
    let rebuilt = rebuild_and_swap(store, db, projectors, progress).await;
    db.size_for_rebuild(false).await?;
    rebuilt
}

async fn rebuild_and_swap(
    store: Arc<dyn EventStore>,
    db: &ReadDb,
    projectors: &[Arc<dyn Projector>],
    progress: &dyn Progress,
) -> Result<Rebuilt, ProjectionError> {
    let started = Instant::now();
    let mut shadows = Vec::new();
    let mut tx = db.begin().await?;
    for projector in projectors {
        for table in projector.tables() {
            shadows.push(Shadow::create(db.backend(), tx.as_mut(), table).await?);
        }
    }
    tx.commit().await?;
    progress.start(store.head().await?);
    let mut batches = read_ahead(store);
    let mut writers = Writers::new(db, projectors.len());
    let (mut position, mut events) = (0, 0);
    while let Some(batch) = batches.recv().await {
        let batch = Arc::new(batch?);
        writers.apply(db, projectors, &batch).await?;
        position = batch.last().map_or(position, |e| e.position);
        events += batch.len() as u64;
        progress.advance(position);
    }
    writers.commit().await?;
    let mut tx = db.begin().await?;
    for projector in projectors {
        checkpoint::lock(tx.as_mut(), projector.name()).await?;
    }
    for shadow in &shadows {
        shadow.swap(tx.as_mut()).await?;
    }
    for projector in projectors {
        checkpoint::set(tx.as_mut(), projector.name(), position).await?;
    }
    tx.commit().await?;
    progress.finish();
    Ok(Rebuilt {
        projectors: projectors.iter().map(|p| p.name()).collect(),
        events,
        position,
        elapsed: started.elapsed(),
    })
}

/// A rebuild transaction and when it began.
struct Open {
    tx: Box<dyn Transaction>,
    began: Instant,
}

impl Open {
    async fn begin(db: &ReadDb) -> Result<Self, ProjectionError> {
        Ok(Self {
            tx: db.begin().await?,
            began: Instant::now(),
        })
    }

    /// Commits once it has run [`COMMIT_EVERY`]; otherwise it stays open.
    async fn commit_when_due(self) -> Result<Option<Self>, ProjectionError> {
        if self.began.elapsed() < COMMIT_EVERY {
            return Ok(Some(self));
        }
        self.tx.commit().await?;
        Ok(None)
    }
}

/// The transactions the projectors of a rebuild write their shadow tables
/// in. The projectors apply each batch side by side (each writes only its
/// own tables): on SQLite, which has one writer, through one shared
/// transaction, so one folds while another's statements run; on
/// PostgreSQL each through a transaction of its own on its own connection,
/// so the server runs their statements at the same time too.
enum Writers {
    Shared(Option<Open>),
    Each(Vec<Option<Open>>),
}

impl Writers {
    fn new(db: &ReadDb, projectors: usize) -> Self {
        match db.backend() {
            Backend::Sqlite => Writers::Shared(None),
            Backend::Postgres => Writers::Each((0..projectors).map(|_| None).collect()),
        }
    }

    /// Applies `batch` to every projector's shadow tables.
    async fn apply(
        &mut self,
        db: &ReadDb,
        projectors: &[Arc<dyn Projector>],
        batch: &Arc<Vec<Recorded>>,
    ) -> Result<(), ProjectionError> {
        match self {
            Writers::Shared(open) => {
                let Open { tx, began } = match open.take() {
                    Some(open) => open,
                    None => Open::begin(db).await?,
                };
                let shared = Shared::new(tx);
                let running = projectors.iter().map(|projector| {
                    let (projector, mut tx, batch) =
                        (projector.clone(), shared.clone(), batch.clone());
                    tokio::spawn(async move {
                        projector.apply(&mut tx, &TableNames::SHADOW, &batch).await
                    })
                });
                all(running.collect()).await?;
                let tx = shared.into_inner()?;
                *open = Open { tx, began }.commit_when_due().await?;
            }
            Writers::Each(opens) => {
                let running = projectors
                    .iter()
                    .zip(opens.iter_mut())
                    .map(|(projector, open)| {
                        let (projector, open, batch, db) =
                            (projector.clone(), open.take(), batch.clone(), db.clone());
                        tokio::spawn(async move {
                            let mut open = match open {
                                Some(open) => open,
                                None => Open::begin(&db).await?,
                            };
                            projector
                                .apply(open.tx.as_mut(), &TableNames::SHADOW, &batch)
                                .await?;
                            open.commit_when_due().await
                        })
                    });
                let applied = all(running.collect()).await?;
                for (open, applied) in opens.iter_mut().zip(applied) {
                    *open = applied;
                }
            }
        }
        Ok(())
    }

    /// Commits what is still open.
    async fn commit(self) -> Result<(), ProjectionError> {
        let opens = match self {
            Writers::Shared(open) => vec![open],
            Writers::Each(opens) => opens,
        };
        for open in opens.into_iter().flatten() {
            open.tx.commit().await?;
        }
        Ok(())
    }
}

/// Waits for every task; their outcomes in order, or the first failure.
async fn all<T>(
    running: Vec<JoinHandle<Result<T, ProjectionError>>>,
) -> Result<Vec<T>, ProjectionError> {
    let mut outcomes = Vec::with_capacity(running.len());
    let mut failed = None;
    for task in running {
        match task
            .await
            .map_err(ProjectionError::Writer)
            .and_then(|done| done)
        {
            Ok(done) => outcomes.push(done),
            Err(e) => {
                failed.get_or_insert(e);
            }
        }
    }
    failed.map_or(Ok(outcomes), Err)
}

/// Reads the log from the start in batches, one batch ahead of the
/// writer, until a read finds nothing new.
fn read_ahead(store: Arc<dyn EventStore>) -> mpsc::Receiver<Result<Vec<Recorded>, StoreError>> {
    let (tx, rx) = mpsc::channel(2);
    tokio::spawn(async move {
        let mut after = 0;
        loop {
            let batch = store.read_all(after, REBUILD_BATCH).await;
            let done = match &batch {
                Ok(events) => match events.last() {
                    Some(last) => {
                        after = last.position;
                        false
                    }
                    None => true,
                },
                Err(_) => true,
            };
            if done {
                if let Err(e) = batch {
                    let _ignored = tx.send(Err(e)).await;
                }
                break;
            }
            if tx.send(batch).await.is_err() {
                break;
            }
        }
    });
    rx
}
