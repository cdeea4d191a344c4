//! Quote views kept in memory by the process whose projector runners write
//! them: the embedded default, where one `cma serve` owns the read database
//! (docs/operations.md, "Two deployments"). A quote's view is read from its
//! tables once and served from memory until a batch of the runners changes
//! it (docs/projections.md, "Quote views kept in memory").
//!
//! A batch that writes a table the view reads announces itself before its
//! first statement: the views of the streams in the batch (their quote's,
//! their team's) are dropped at once, and nothing read meanwhile is kept
//! until the batch is over (`cma_store::guarded`). So once the batch
//! commits, no kept view is older than it, and a request waiting to read
//! its own write (`X-Min-Position`) is answered from the tables. A rebuild
//! run by another process (`cma projections rebuild`) swaps tables in: the
//! schema changes, and every kept view is dropped within a poll interval
//! ([`follow_swaps`]).

use crate::db::ReadDb;
use crate::projector::stream_id;
use crate::queries::Scope;
use crate::queries::quotes::{StoredView, VIEW_TABLES};
use cma_domain::Aggregate;
use cma_domain::ids::QuoteId;
use cma_domain::quote::Quote;
use cma_domain::team::Team;
use cma_store::Recorded;
use cma_store::guarded::{Guarded, Seen, Writing};
use std::collections::HashSet;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// How many quote views are kept; the least recently read beyond it are
/// read from their tables again.
const KEPT: NonZeroUsize = NonZeroUsize::new(2_000).expect("not zero");

type Key = (QuoteId, Scope);

/// The quote views kept, by quote and reader.
pub struct KeptViews(Guarded<Key, Arc<StoredView>>);

/// A batch under way whose writes may change kept views.
pub(crate) type BatchWriting<'k> = Writing<'k, Key, Arc<StoredView>>;

impl Default for KeptViews {
    fn default() -> Self {
        Self(Guarded::new(KEPT))
    }
}

impl std::fmt::Debug for KeptViews {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeptViews")
    }
}

impl KeptViews {
    /// The view of `quote` kept for `scope`; `Err` with what was seen
    /// before reading it from its tables.
    pub(crate) fn find(&self, quote: QuoteId, scope: Scope) -> Result<Arc<StoredView>, Seen> {
        self.0.find(&(quote, scope), |view| Some(view.clone()))
    }

    /// Keeps `view`, read after `seen`, unless a batch changed views since.
    pub(crate) fn keep(&self, quote: QuoteId, scope: Scope, view: Arc<StoredView>, seen: Seen) {
        self.0
            .keep(&(quote, scope), view, Some(seen), |kept, view| *kept = view);
    }

    /// Announces a batch of `events` a runner is about to write to
    /// `tables`; `None` when it writes none of the tables a view reads, or
    /// the batch holds no event of a quote's or a team's stream (only those
    /// are written to them: other streams named by a team's id, such as
    /// its diary, change no view).
    pub(crate) fn writing(&self, tables: &[&str], events: &[Recorded]) -> Option<BatchWriting<'_>> {
        if !tables.iter().any(|table| VIEW_TABLES.contains(table)) {
            return None;
        }
        let (mut quotes, mut teams) = (HashSet::new(), HashSet::new());
        for recorded in events {
            let of = if recorded.stream.is_in(Quote::CATEGORY) {
                &mut quotes
            } else if recorded.stream.is_in(Team::CATEGORY) {
                &mut teams
            } else {
                continue;
            };
            of.extend(stream_id::<Uuid>(recorded).ok());
        }
        if quotes.is_empty() && teams.is_empty() {
            return None;
        }
        Some(self.0.writing(|(quote, scope), _| {
            quotes.contains(&quote.0) || teams.contains(&scope.team().0)
        }))
    }

    /// Drops every view: the tables were written by another process (a
    /// rebuild swapped them in).
    pub(crate) fn drop_all(&self) {
        self.0.change(|_, _| true);
    }
}

/// Drops every view `db` keeps whenever its schema changes (a rebuild's
/// swap), looking `every` so often, until `cancel`.
pub(crate) async fn follow_swaps(db: ReadDb, every: Duration, cancel: CancellationToken) {
    let Some(kept) = db.kept_views() else {
        return;
    };
    let mut seen: Option<i64> = None;
    loop {
        match sqlx::query_scalar::<_, i64>("PRAGMA schema_version")
            .fetch_one(db.pool())
            .await
        {
            Ok(version) => {
                // Also at the first look: what was kept before it may be
                // of tables swapped out since.
                if seen != Some(version) {
                    kept.drop_all();
                }
                seen = Some(version);
            }
            Err(e) => {
                // Unknown: whatever was swapped in meanwhile, nothing kept holds.
                tracing::warn!(error = %e, "cannot read the read database's schema version");
                kept.drop_all();
                seen = None;
            }
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = cancel.cancelled() => return,
        }
    }
}
