//! A rebuild from position 0 gives exactly the read models live projection
//! gave, for random valid histories, and swaps in while reads go on.

use crate::support::{self, history};
use cma_projections::rebuild::{Rebuilt, Silent, rebuild};
use cma_projections::{ProjectionError, ReadDb, RunnerConfig};
use cma_store::EventStore;
use proptest::prelude::*;
use std::sync::Arc;
use std::time::Duration;

fn live(batch_size: usize) -> RunnerConfig {
    RunnerConfig {
        batch_size,
        poll_interval: Duration::from_millis(100),
        retry_interval: Duration::from_millis(50),
        ..RunnerConfig::default()
    }
}

/// Rebuilds every view from the log, quietly.
async fn rebuild_all(db: &ReadDb, store: &Arc<dyn EventStore>) -> Result<Rebuilt, ProjectionError> {
    rebuild(store.clone(), db, &cma_projections::views::all(), &Silent).await
}

async fn rebuild_equals_live(ops: Vec<history::Op>, batch_size: usize) {
    let s = support::sqlite().await;
    let running = support::start_all(&s.db, &s.store, live(batch_size));
    let history = history::generate(ops);
    let half = history.len() / 2;
    let mut history = history.into_iter();
    support::append(&s.store, history.by_ref().take(half).collect()).await;
    support::append(&s.store, history.collect()).await;
    support::caught_up(&s.db, &s.store).await;
    running.stop().await;
    let projected = support::dump(&s.db).await;
    let rebuilt = rebuild_all(&s.db, &s.store).await.expect("rebuild");
    assert_eq!(rebuilt.position, s.store.head().await.expect("head"));
    assert_eq!(support::dump(&s.db).await, projected);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn rebuilding_gives_what_live_projection_gave(
        ops in proptest::collection::vec(any::<(u8, u8, u8)>(), 0..250),
        batch_size in 1usize..40,
    ) {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(rebuild_equals_live(ops, batch_size));
    }
}

#[tokio::test]
async fn rebuild_on_postgres_equals_live_and_swaps_while_reads_go_on() {
    let pg = support::postgres().await;
    let ops: Vec<history::Op> = (0..600u32)
        .map(|i| {
            (
                (i * 7 % 27) as u8,
                (i * 31 % 251) as u8,
                (i * 17 % 253) as u8,
            )
        })
        .collect();
    support::append(&pg.store, history::generate(ops)).await;
    let running = support::start_all(&pg.db, &pg.store, live(64));
    support::caught_up(&pg.db, &pg.store).await;
    let projected = support::dump(&pg.db).await;

    let reader_db = pg.db.clone();
    let reads = tokio::spawn(async move {
        let mut answered = 0u32;
        for _ in 0..100 {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM clients")
                .fetch_one(reader_db.pool())
                .await
                .expect("reads keep working during the rebuild");
            assert!(n > 0, "the read models never appear empty");
            answered += 1;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        answered
    });
    rebuild_all(&pg.db, &pg.store).await.expect("rebuild");
    assert_eq!(reads.await.expect("reader"), 100);
    support::caught_up(&pg.db, &pg.store).await;
    running.stop().await;
    assert_eq!(support::dump(&pg.db).await, projected);
    // A second rebuild works on the swapped-in tables too.
    rebuild_all(&pg.db, &pg.store)
        .await
        .expect("second rebuild");
    assert_eq!(support::dump(&pg.db).await, projected);
    pg.db.close().await;
}

#[test]
fn generated_histories_reach_every_projected_event_type() {
    use cma_domain::EventCodec;
    let ops = (0..4000u32).map(|i| {
        (
            (i * 7 % 27) as u8,
            (i * 31 % 251) as u8,
            (i * 17 % 253) as u8,
        )
    });
    let seen: std::collections::BTreeSet<String> = history::generate(ops)
        .into_iter()
        .map(|(_, e)| e.event_type)
        .collect();
    let missing: Vec<&str> = cma_domain::Event::known_versions()
        .iter()
        .map(|(t, _)| *t)
        // Credentials and the invoice-number counter feed no read model.
        .filter(|t| {
            !t.starts_with("Credentials") && !t.starts_with("InvoiceNumber") && !seen.contains(*t)
        })
        .collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}
