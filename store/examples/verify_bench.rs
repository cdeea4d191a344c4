//! Hash-chain verification rate over a generated log.
//!
//! ```text
//! cargo run --release -p cma-store --example verify_bench -- [--events N] [--postgres URL] [--sqlite FILE]
//! ```
//! Without `--postgres` only SQLite is measured. With `--sqlite`, that log
//! file is used and filled only when empty, so repeated runs skip the fill.

use cma_domain::Timestamp;
use cma_store::postgres::PgStore;
use cma_store::sqlite::SqliteStore;
use cma_store::verify::verify_log;
use cma_store::{Actor, EventStore, Expected, Metadata, NewEvent, StreamId};
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

use cma_testkit::bench::{ScratchDb, count, flag};

/// Events per append and per stream: quote-sized streams.
const PER_STREAM: usize = 20;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let events = count("--events", 1_000_000)?;

    let dir = tempfile::tempdir()?;
    let path = flag("--sqlite").map_or_else(|| dir.path().join("events.db"), Into::into);
    let sqlite = Arc::new(SqliteStore::open(&path).await?);
    measure("SQLite", sqlite, events).await?;

    if let Some(server) = flag("--postgres") {
        let db = ScratchDb::create(&server).await?;
        let pg = Arc::new(PgStore::connect(&db.url).await?);
        measure("PostgreSQL", pg.clone(), events).await?;
        pg.close().await;
        db.drop().await?;
    }
    Ok(())
}

async fn measure(
    label: &str,
    store: Arc<dyn EventStore>,
    events: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    if store.head().await? == 0 {
        fill(store.clone(), events).await?;
    }
    let started = Instant::now();
    let verified = verify_log(store.as_ref(), 0, |_, _| {}).await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{label}: verified {} events in {} streams in {secs:.2} s: {:.0} events/s",
        verified.events,
        verified.streams,
        verified.events as f64 / secs
    );
    Ok(())
}

/// Appends `events` events of ~200 bytes, `PER_STREAM` per stream, from 16 tasks.
async fn fill(store: Arc<dyn EventStore>, events: usize) -> Result<(), Box<dyn std::error::Error>> {
    let streams = events / PER_STREAM;
    let tasks: Vec<_> = (0..16)
        .map(|t| {
            let store = store.clone();
            tokio::spawn(async move {
                for _ in (t..streams).step_by(16) {
                    let stream = StreamId::new("bench", Uuid::new_v4());
                    let batch = (0..PER_STREAM).map(event).collect();
                    store.append(&stream, Expected::NoStream, batch).await?;
                }
                Ok::<_, cma_store::AppendError>(())
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    Ok(())
}

fn event(i: usize) -> NewEvent {
    NewEvent {
        event_id: Uuid::new_v4(),
        event_type: "QuoteLineToggled".to_owned(),
        schema_version: 1,
        recorded_at: Timestamp::from_jiff(jiff::Timestamp::now()),
        actor: Actor::Client(Uuid::new_v4()),
        metadata: Metadata {
            correlation_id: Uuid::new_v4(),
            causation_id: None,
            ip: Some("192.0.2.10".to_owned()),
            user_agent: Some("Mozilla/5.0 (X11; Linux x86_64)".to_owned()),
        },
        payload: vec![u8::try_from(i % 251).unwrap_or(0); 120],
    }
}
