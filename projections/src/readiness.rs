//! What the API asks of the read side: has it processed position N yet
//! (`X-Min-Position`), and how far behind the log is each projector.

use crate::checkpoint;
use crate::db::ReadDb;
use crate::error::ProjectionError;
use cma_store::{EventStore, Position};
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;

/// The longest a read waits for the read models (docs/api.md: at most 5 s).
pub const MAX_WAIT: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(20);

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
/// `timeout` (capped at [`MAX_WAIT`]); true once they have.
pub async fn wait_for(
    db: &ReadDb,
    position: Position,
    timeout: Duration,
) -> Result<bool, ProjectionError> {
    let names = crate::views::names();
    let deadline = tokio::time::Instant::now() + timeout.min(MAX_WAIT);
    loop {
        if processed(db, &names).await? >= position {
            return Ok(true);
        }
        if tokio::time::Instant::now() >= deadline {
            return Ok(false);
        }
        tokio::time::sleep(POLL).await;
    }
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
    let head = store.head().await?;
    let all = checkpoint::all(db.pool()).await?;
    Ok(crate::views::names()
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
