//! Append throughput and latency of the event stores, each beside a raw-insert
//! baseline of the same bytes measured in the same run, and PostgreSQL's bare
//! round trip (`SELECT 1`) on one connection.
//!
//! ```text
//! cargo run --release -p cma-store --example append_bench -- [--ops N] [--postgres URL]
//! ```
//! `--postgres` names a server database used to create (and drop) a scratch
//! database; default `postgres://postgres@127.0.0.1:5432/test`.

use cma_domain::Timestamp;
use cma_store::postgres::PgStore;
use cma_store::sqlite::{SqliteStore, connect_options};
use cma_store::{Actor, EventStore, Expected, Metadata, NewEvent, StreamId};
use sqlx::Executor;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

use cma_testkit::bench::{ScratchDb, count, flag};

const CONCURRENCY: [usize; 3] = [1, 16, 64];
const PAYLOAD_BYTES: usize = 256;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ops = count("--ops", 4000)?;
    let server =
        flag("--postgres").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned());

    println!("appends of one {PAYLOAD_BYTES}-byte event, {ops} per run");
    println!(
        "| store | appenders | appends/s | p50 ms | p99 ms | raw inserts/s | raw p50 ms | raw p99 ms |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for n in CONCURRENCY {
        let dir = tempfile::tempdir()?;
        let store = Arc::new(SqliteStore::open(&dir.path().join("events.db")).await?);
        let ours = run_appends(store.clone(), n, ops).await?;
        store.close().await;
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(u32::try_from(n).unwrap_or(64))
            .connect_with(connect_options(&dir.path().join("raw.db")))
            .await?;
        let raw = run_raw(RawDb::Sqlite(pool), n, ops).await?;
        print_row("SQLite", n, &ours, &raw);
    }
    for n in CONCURRENCY {
        let db = ScratchDb::create(&server).await?;
        let store = Arc::new(PgStore::connect(&db.url).await?);
        let ours = run_appends(store.clone(), n, ops).await?;
        store.close().await;
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(u32::try_from(n).unwrap_or(64))
            .connect(&db.url)
            .await?;
        let raw = run_raw(RawDb::Postgres(pool), n, ops).await?;
        print_row("PostgreSQL", n, &ours, &raw);
        db.drop().await?;
    }
    let trip = round_trips(&server, ops).await?;
    println!(
        "PostgreSQL round trip (SELECT 1 on one connection): p50 {:.3} ms, p99 {:.3} ms",
        ms(trip.p50),
        ms(trip.p99)
    );
    Ok(())
}

/// `SELECT 1` one after another on one connection: what a statement costs
/// before it does any work.
async fn round_trips(server: &str, ops: usize) -> Result<Figures, Box<dyn std::error::Error>> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(server).await?;
    let mut latencies = Vec::with_capacity(ops);
    let started = Instant::now();
    for _ in 0..ops {
        let t = Instant::now();
        sqlx::query("SELECT 1").execute(&mut conn).await?;
        latencies.push(t.elapsed());
    }
    let figures = figures(latencies, started.elapsed());
    conn.close().await?;
    Ok(figures)
}

struct Figures {
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

fn print_row(store: &str, n: usize, ours: &Figures, raw: &Figures) {
    println!(
        "| {store} | {n} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} |",
        ours.per_second,
        ms(ours.p50),
        ms(ours.p99),
        raw.per_second,
        ms(raw.p50),
        ms(raw.p99)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn figures(mut latencies: Vec<Duration>, elapsed: Duration) -> Figures {
    latencies.sort();
    let at = |q: f64| {
        let i = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies.get(i).copied().unwrap_or_default()
    };
    Figures {
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}

fn event(payload: &[u8]) -> NewEvent {
    NewEvent {
        event_id: Uuid::new_v4(),
        event_type: "BenchmarkEvent".to_owned(),
        schema_version: 1,
        recorded_at: Timestamp::from_jiff(jiff::Timestamp::now()),
        actor: Actor::System,
        metadata: Metadata {
            correlation_id: Uuid::new_v4(),
            ..Metadata::default()
        },
        payload: payload.to_vec(),
    }
}

/// `n` tasks, each appending one event at a time to its own stream.
async fn run_appends(
    store: Arc<dyn EventStore>,
    n: usize,
    ops: usize,
) -> Result<Figures, Box<dyn std::error::Error>> {
    let per_task = ops / n;
    let started = Instant::now();
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let stream = StreamId::new("bench", Uuid::new_v4());
                let payload = vec![7u8; PAYLOAD_BYTES];
                let mut latencies = Vec::with_capacity(per_task);
                for version in 0..per_task as u64 {
                    let expected = if version == 0 {
                        Expected::NoStream
                    } else {
                        Expected::Exactly(version)
                    };
                    let t = Instant::now();
                    store
                        .append(&stream, expected, vec![event(&payload)])
                        .await?;
                    latencies.push(t.elapsed());
                }
                Ok::<_, cma_store::AppendError>(latencies)
            })
        })
        .collect();
    let mut all = Vec::with_capacity(ops);
    for task in tasks {
        all.extend(task.await??);
    }
    Ok(figures(all, started.elapsed()))
}

enum RawDb {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

const RAW_TABLE_SQLITE: &str = "CREATE TABLE raw_events (id INTEGER PRIMARY KEY AUTOINCREMENT, \
    stream_id TEXT, event_type TEXT, payload BLOB, prev_hash BLOB, hash BLOB)";
const RAW_TABLE_POSTGRES: &str = "CREATE TABLE raw_events (id BIGSERIAL PRIMARY KEY, \
    stream_id TEXT, event_type TEXT, payload BYTEA, prev_hash BYTEA, hash BYTEA)";
const RAW_INSERT: &str = "INSERT INTO raw_events (stream_id, event_type, payload, prev_hash, hash) \
    VALUES ($1, $2, $3, $4, $5)";

impl RawDb {
    async fn insert(&self, stream: &str, payload: &[u8]) -> Result<(), sqlx::Error> {
        let hash = [1u8; 32].to_vec();
        macro_rules! insert {
            ($pool:expr) => {
                sqlx::query(RAW_INSERT)
                    .bind(stream)
                    .bind("BenchmarkEvent")
                    .bind(payload)
                    .bind(hash.clone())
                    .bind(hash)
                    .execute($pool)
                    .await
                    .map(|_| ())
            };
        }
        match self {
            RawDb::Sqlite(pool) => insert!(pool),
            RawDb::Postgres(pool) => insert!(pool),
        }
    }
}

/// The same bytes as single-row autocommit inserts, with no checks and no chain.
async fn run_raw(db: RawDb, n: usize, ops: usize) -> Result<Figures, Box<dyn std::error::Error>> {
    match &db {
        RawDb::Sqlite(pool) => pool.execute(RAW_TABLE_SQLITE).await.map(|_| ())?,
        RawDb::Postgres(pool) => pool.execute(RAW_TABLE_POSTGRES).await.map(|_| ())?,
    }
    let db = Arc::new(db);
    let per_task = ops / n;
    let started = Instant::now();
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                let stream = format!("bench-{}", Uuid::new_v4());
                let payload = vec![7u8; PAYLOAD_BYTES];
                let mut latencies = Vec::with_capacity(per_task);
                for _ in 0..per_task {
                    let t = Instant::now();
                    db.insert(&stream, &payload).await?;
                    latencies.push(t.elapsed());
                }
                Ok::<_, sqlx::Error>(latencies)
            })
        })
        .collect();
    let mut all = Vec::with_capacity(ops);
    for task in tasks {
        all.extend(task.await??);
    }
    Ok(figures(all, started.elapsed()))
}
