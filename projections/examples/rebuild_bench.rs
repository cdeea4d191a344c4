//! Rebuild rate of every projector over a generated log.
//!
//! ```text
//! cargo run --release -p cma-projections --example rebuild_bench -- \
//!     --events 1000000 [--postgres postgres://postgres@127.0.0.1:5432/test]
//! ```
//! The history is random but valid (played through the domain's `decide`).
//! With `--postgres`, a fresh database is created on that server for the
//! run and dropped afterwards.
//!
//! Repeated runs can keep their logs: `--dir DIR` keeps the SQLite log in
//! `DIR/events.db` and `--postgres-db NAME` the PostgreSQL one in database
//! `NAME` (created when missing); each is generated and appended only when
//! it is empty, and the read models are rebuilt afresh every run.

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
    /// Keep the SQLite event log in this folder across runs.
    #[arg(long)]
    dir: Option<std::path::PathBuf>,
    /// Keep the PostgreSQL event log in this database across runs.
    #[arg(long)]
    postgres_db: Option<String>,
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

/// The history to append: generated once, when a log first needs it.
struct Source {
    events: usize,
    generated: Option<history::History>,
}

impl Source {
    fn history(&mut self) -> history::History {
        if let Some(history) = &self.generated {
            return history.clone();
        }
        let started = std::time::Instant::now();
        let history = generate(self.events);
        println!(
            "generated {} events in {:.1?}",
            history.len(),
            started.elapsed()
        );
        self.generated = Some(history.clone());
        history
    }
}

async fn measure(label: &str, store: Arc<dyn EventStore>, db: &ReadDb, source: &mut Source) {
    let head = store.head().await.unwrap_or_else(|e| fail("event log", e));
    if head == 0 {
        let history = source.history();
        let events = history.len();
        let started = std::time::Instant::now();
        history::append(&store, history).await;
        println!(
            "{label}: appended {events} events in {:.1?}",
            started.elapsed()
        );
    } else {
        println!("{label}: the log holds {head} events already");
    }
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
    let mut source = Source {
        events: args.events,
        generated: None,
    };

    let temporary = tempfile::tempdir().unwrap_or_else(|e| fail("temporary folder", e));
    let dir = args.dir.as_deref().unwrap_or(temporary.path());
    std::fs::create_dir_all(dir).unwrap_or_else(|e| fail("folder", e));
    for stale in ["read.db", "read.db-wal", "read.db-shm"] {
        let _absent = std::fs::remove_file(dir.join(stale));
    }
    let store = cma_store::sqlite::SqliteStore::open(&dir.join("events.db"))
        .await
        .unwrap_or_else(|e| fail("event log", e));
    let db = ReadDb::open_sqlite(&dir.join("read.db"))
        .await
        .unwrap_or_else(|e| fail("read database", e));
    db.migrate().await.unwrap_or_else(|e| fail("migrate", e));
    measure("sqlite", Arc::new(store), &db, &mut source).await;

    if let Some(admin_url) = args.postgres {
        let (url, scratch) = match &args.postgres_db {
            Some(name) => (kept_database(&admin_url, name).await, None),
            None => {
                let scratch = ScratchDb::create(&admin_url)
                    .await
                    .unwrap_or_else(|e| fail("create database", e));
                (scratch.url.clone(), Some(scratch))
            }
        };
        let store = cma_store::postgres::PgStore::connect(&url)
            .await
            .unwrap_or_else(|e| fail("event log", e));
        let db = ReadDb::connect_postgres(&url)
            .await
            .unwrap_or_else(|e| fail("read database", e));
        db.migrate().await.unwrap_or_else(|e| fail("migrate", e));
        measure("postgres", Arc::new(store), &db, &mut source).await;
        if let Some(scratch) = scratch
            && let Err(e) = scratch.drop().await
        {
            eprintln!("could not drop the scratch database: {e}");
        }
    }
}

/// The URL of database `name` on the server of `admin_url`, created when missing.
async fn kept_database(admin_url: &str, name: &str) -> String {
    use sqlx::{Connection, Executor};
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        fail("database name", "letters, digits and _ only");
    }
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .unwrap_or_else(|e| fail("server", e));
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_optional(&mut admin)
        .await
        .unwrap_or_else(|e| fail("server", e));
    if exists.is_none() {
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .unwrap_or_else(|e| fail("create database", e));
    }
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
    format!("{base}/{name}")
}
