//! Rebuild rate of every projector over a generated log.
//!
//! ```text
//! cargo run --release -p cma-projections --example rebuild_bench -- \
//!     --events 1000000 [--postgres postgres://postgres@127.0.0.1:5432/test]
//! ```
//! The history is random but valid (played through the domain's `decide`).
//! With `--postgres`, a fresh database is created on that server for the
//! run and dropped afterwards.

/// The allocator of the `cma` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../tests/projections/support/history.rs"]
mod history;

use clap::Parser;
use cma_projections::ReadDb;
use cma_projections::rebuild::{Bar, rebuild};
use cma_store::EventStore;
use cma_testkit::bench::ScratchDb;
use rand::{Rng, SeedableRng};
use std::sync::Arc;

#[derive(Parser)]
struct Args {
    /// Events in the generated log (at least).
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    /// A PostgreSQL server to measure too (its database is used only to create another).
    #[arg(long)]
    postgres: Option<String>,
}

/// Weighted kinds: creating things is rarer than working on them.
const KINDS: &[(u8, u32)] = &[
    (0, 1),
    (1, 20),
    (2, 5),
    (3, 10),
    (4, 10),
    (5, 5),
    (6, 30),
    (7, 10),
    (8, 30),
    (9, 120),
    (10, 60),
    (11, 10),
    (12, 3),
    (13, 3),
    (14, 20),
    (15, 20),
    (16, 30),
    (17, 3),
    (18, 250),
    (19, 80),
    (20, 20),
    (21, 10),
    (22, 5),
    (23, 5),
    (24, 5),
    (25, 2),
    (26, 2),
];

fn generate(events: usize) -> history::History {
    let total: u32 = KINDS.iter().map(|(_, w)| w).sum();
    // Some commands are refused and record nothing: play more operations
    // than events wanted, and more again if that was not enough.
    let mut ops = events + events / 4;
    loop {
        let mut rng = rand::rngs::StdRng::seed_from_u64(20_261_130);
        let plays = (0..ops).map(|_| {
            let mut roll = rng.random_range(0..total);
            let kind = KINDS
                .iter()
                .find(|(_, w)| {
                    let hit = roll < *w;
                    roll = roll.saturating_sub(*w);
                    hit
                })
                .map_or(18, |(k, _)| *k);
            (kind, rng.random::<u8>(), rng.random::<u8>())
        });
        let mut out = history::generate(plays.collect::<Vec<_>>());
        if out.len() >= events {
            out.truncate(events);
            return out;
        }
        ops += ops / 2;
    }
}

async fn measure(label: &str, store: Arc<dyn EventStore>, db: &ReadDb, history: history::History) {
    let events = history.len();
    let started = std::time::Instant::now();
    history::append(&store, history).await;
    println!(
        "{label}: appended {events} events in {:.1?}",
        started.elapsed()
    );
    // The append leaves hundreds of megabytes for the kernel to write back;
    // flushed now, that writing does not fall inside the measured rebuild.
    if let Err(e) = std::process::Command::new("sync").status() {
        eprintln!("sync: {e}");
    }
    let rebuilt = match rebuild(
        store.clone(),
        db,
        &cma_projections::views::all(),
        &Bar::new(),
    )
    .await
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{label}: rebuild failed: {e}");
            std::process::exit(1);
        }
    };
    let rate = rebuilt.events as f64 / rebuilt.elapsed.as_secs_f64();
    println!(
        "{label}: rebuilt {} projectors over {} events in {:.2?}: {rate:.0} events/s",
        rebuilt.projectors.len(),
        rebuilt.events,
        rebuilt.elapsed
    );
    // Dropped rather than closed: every append is already acknowledged.
    drop(store);
    db.close().await;
}

fn fail(what: &str, e: impl std::fmt::Display) -> ! {
    eprintln!("{what}: {e}");
    std::process::exit(1)
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let started = std::time::Instant::now();
    let history = generate(args.events);
    println!(
        "generated {} events in {:.1?}",
        history.len(),
        started.elapsed()
    );

    let dir = tempfile::tempdir().unwrap_or_else(|e| fail("temporary folder", e));
    let store = cma_store::sqlite::SqliteStore::open(&dir.path().join("events.db"))
        .await
        .unwrap_or_else(|e| fail("event log", e));
    let db = ReadDb::open_sqlite(&dir.path().join("read.db"))
        .await
        .unwrap_or_else(|e| fail("read database", e));
    db.migrate().await.unwrap_or_else(|e| fail("migrate", e));
    measure("sqlite", Arc::new(store), &db, history.clone()).await;

    if let Some(admin_url) = args.postgres {
        let scratch = ScratchDb::create(&admin_url)
            .await
            .unwrap_or_else(|e| fail("create database", e));
        let store = cma_store::postgres::PgStore::connect(&scratch.url)
            .await
            .unwrap_or_else(|e| fail("event log", e));
        let db = ReadDb::connect_postgres(&scratch.url)
            .await
            .unwrap_or_else(|e| fail("read database", e));
        db.migrate().await.unwrap_or_else(|e| fail("migrate", e));
        measure("postgres", Arc::new(store), &db, history).await;
        if let Err(e) = scratch.drop().await {
            eprintln!("could not drop the scratch database: {e}");
        }
    }
}
