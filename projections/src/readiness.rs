//! What the API asks of the read side: has it processed position N yet
//! (`X-Min-Position`, woken by the runners' progress), and how far behind
//! the log is each projector.

use crate::checkpoint;
use crate::db::ReadDb;
use crate::error::ProjectionError;
use crate::runner::RunnerWatch;
use cma_store::{EventStore, Position};
use serde::Serialize;
use std::time::Duration;
use tokio::time::Instant;
use utoipa::ToSchema;

/// The longest a read waits for the read models (docs/api.md: at most 5 s).
pub const MAX_WAIT: Duration = Duration::from_secs(5);
/// The first pause between looks at the checkpoints when no runner here
/// reports progress; it doubles up to [`POLL_MAX`].
const POLL_FIRST: Duration = Duration::from_millis(10);
const POLL_MAX: Duration = Duration::from_millis(250);

/// The lowest checkpoint among `names` (0 for one that has none yet).
pub async fn processed(db: &ReadDb, names: &[&str]) -> Result<Position, ProjectionError> {
    let all = checkpoint::all(db.pool()).await?;
    Ok(names
        .iter()
        .map(|n| all.get(*n).copied().unwrap_or(0))
        .min()
        .unwrap_or(0))
}

/// Waits until every projector has processed `position`, for at most
/// `timeout` (capped at [`MAX_WAIT`]); true once they have. It looks at
/// the checkpoints with one short query at a time (a pooled connection is
/// held only for that query), pausing 10 ms, then twice as long each time
/// up to 250 ms.
pub async fn wait_for(
    db: &ReadDb,
    position: Position,
    timeout: Duration,
) -> Result<bool, ProjectionError> {
    wait(db, None, position, timeout).await
}

/// [`wait_for`], woken by this process's runners: while a runner here is
/// active for every projector, their reported checkpoints are watched
/// without a query (the checkpoints are read once, to confirm, when they
/// have reached `position`); otherwise (the projectors run in another
/// process) it looks at the checkpoints as [`wait_for`] does.
pub async fn wait_watching(
    db: &ReadDb,
    runners: &RunnerWatch,
    position: Position,
    timeout: Duration,
) -> Result<bool, ProjectionError> {
    wait(db, Some(runners.clone()), position, timeout).await
}

async fn wait(
    db: &ReadDb,
    mut runners: Option<RunnerWatch>,
    position: Position,
    timeout: Duration,
) -> Result<bool, ProjectionError> {
    let names = crate::views::names();
    let deadline = Instant::now() + timeout.min(MAX_WAIT);
    let mut poll = POLL_FIRST;
    loop {
        let here = runners.as_ref().and_then(|r| r.processed(&names));
        let behind_here = here.is_some_and(|p| p < position);
        if !behind_here && confirmed(db, runners.as_ref(), &names, position).await? {
            return Ok(true);
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(false);
        }
        // Runners here that are behind say when they move; else look again.
        let look_again = if behind_here { deadline } else { now + poll };
        poll = (poll * 2).min(POLL_MAX);
        match runners.as_mut() {
            Some(r) => {
                tokio::select! {
                    () = r.changed() => {}
                    () = tokio::time::sleep_until(look_again.min(deadline)) => {}
                }
            }
            None => tokio::time::sleep_until(look_again.min(deadline)).await,
        }
    }
}

/// Whether every projector in `names` has processed `position`, by its
/// stored checkpoint, or by an active runner here that went on from that
/// checkpoint past events with nothing for it (crate::runner).
async fn confirmed(
    db: &ReadDb,
    runners: Option<&RunnerWatch>,
    names: &[&str],
    position: Position,
) -> Result<bool, ProjectionError> {
    let all = checkpoint::all(db.pool()).await?;
    Ok(names.iter().all(|name| {
        let stored = all.get(*name).copied().unwrap_or(0);
        stored >= position || runners.is_some_and(|r| r.reached(name, stored, position))
    }))
}

/// One projector's distance behind the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Lag {
    pub projector: &'static str,
    /// The last log position it has applied.
    #[schema(value_type = u64)]
    pub checkpoint: Position,
    /// Events in the log it has not applied yet.
    pub lag: u64,
}

/// The lag of every projector: the store's head less its checkpoint.
pub async fn lag(db: &ReadDb, store: &dyn EventStore) -> Result<Vec<Lag>, ProjectionError> {
    lag_of(db, store.head().await?, crate::views::names()).await
}

/// The lag behind `head` of each runner named (projectors or the worker's
/// followers: their checkpoints are kept alike).
pub async fn lag_of(
    db: &ReadDb,
    head: Position,
    names: impl IntoIterator<Item = &'static str>,
) -> Result<Vec<Lag>, ProjectionError> {
    let all = checkpoint::all(db.pool()).await?;
    Ok(names
        .into_iter()
        .map(|projector| {
            let checkpoint = all.get(projector).copied().unwrap_or(0);
            Lag {
                projector,
                checkpoint,
                lag: head.saturating_sub(checkpoint),
            }
        })
        .collect())
}
