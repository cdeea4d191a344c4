//! Command latency against a stream's history: the same command (a message
//! posted to a client's thread) on a fresh stream and on streams with long
//! histories, through the command runner with its kept folded states and
//! without them, on the embedded SQLite log and on PostgreSQL.
//!
//! ```text
//! cargo run --release -p cma-store --example command_bench -- [--commands N] [--history N,N,...] [--postgres URL]
//! ```
//! `--postgres` names a server database used to create (and drop) a scratch
//! database; default `postgres://postgres@127.0.0.1:5432/test`.

use cma_domain::access::By;
use cma_domain::conversation::{Conversation, ConversationCommand};
use cma_domain::ids::{ClientId, MessageId, StaffId};
use cma_domain::{Aggregate, Timestamp};
use cma_store::postgres::PgStore;
use cma_store::service::envelope;
use cma_store::sqlite::SqliteStore;
use cma_store::{CommandContext, EventStore, Expected, Service, StreamId};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

use cma_testkit::bench::{ScratchDb, count, flag};

/// Events appended per batch while writing a history.
const HISTORY_BATCH: usize = 1_000;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let commands = count("--commands", 200)?;
    let histories: Vec<usize> = flag("--history")
        .unwrap_or_else(|| "0,10000,50000".to_owned())
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;

    let server =
        flag("--postgres").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned());

    println!("{commands} message posts per row, one at a time");
    println!(
        "| store | past events in the stream | kept states: p50 ms | p99 ms | whole fold: p50 ms | p99 ms |"
    );
    println!("|---|---|---|---|---|---|");
    let dir = tempfile::tempdir()?;
    let sqlite: Arc<dyn EventStore> =
        Arc::new(SqliteStore::open(&dir.path().join("events.db")).await?);
    compare("SQLite", &sqlite, &histories, commands).await?;
    sqlite.close().await;
    let db = ScratchDb::create(&server).await?;
    let postgres: Arc<dyn EventStore> = Arc::new(PgStore::connect(&db.url).await?);
    compare("PostgreSQL", &postgres, &histories, commands).await?;
    postgres.close().await;
    db.drop().await?;
    Ok(())
}

/// One row per history length: the same posts with and without kept states.
async fn compare(
    name: &str,
    store: &Arc<dyn EventStore>,
    histories: &[usize],
    commands: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    for &history in histories {
        let kept = thread_with(store, history).await?;
        let whole = thread_with(store, history).await?;
        let with_kept = run(&Service::new(store.clone()), kept, commands).await?;
        let without = run(&Service::keeping(store.clone(), 0), whole, commands).await?;
        println!(
            "| {name} | {history} | {:.2} | {:.2} | {:.2} | {:.2} |",
            ms(percentile(&with_kept, 50)),
            ms(percentile(&with_kept, 99)),
            ms(percentile(&without, 50)),
            ms(percentile(&without, 99)),
        );
    }
    Ok(())
}

/// A client's thread with `history` messages already posted; its client id.
async fn thread_with(
    store: &Arc<dyn EventStore>,
    history: usize,
) -> Result<ClientId, Box<dyn std::error::Error>> {
    let client = ClientId::new();
    let stream = StreamId::new(Conversation::CATEGORY, client.0);
    let ctx = context();
    let mut state = Conversation::default();
    let mut written = 0;
    while written < history {
        let mut batch = Vec::new();
        for _ in 0..HISTORY_BATCH.min(history - written) {
            let events = state
                .decide(post(client), ctx.now)
                .map_err(|e| format!("{e:?}"))?;
            for event in &events {
                batch.push(envelope(event, Uuid::now_v7(), &ctx));
            }
            state = events.iter().fold(state, Conversation::evolve);
            written += 1;
        }
        store.append(&stream, Expected::Any, batch).await?;
    }
    Ok(client)
}

/// Posts `commands` messages one after another; each one's latency.
async fn run(
    service: &Service,
    client: ClientId,
    commands: usize,
) -> Result<Vec<Duration>, Box<dyn std::error::Error>> {
    let ctx = context();
    let mut took = Vec::with_capacity(commands);
    for _ in 0..commands {
        let started = Instant::now();
        service
            .execute::<Conversation>(client.0, &ctx, post(client))
            .await
            .map_err(|e| e.to_string())?;
        took.push(started.elapsed());
    }
    took.sort();
    Ok(took)
}

fn post(client: ClientId) -> ConversationCommand {
    ConversationCommand::Post {
        message: MessageId::new(),
        client,
        by: By::Staff(StaffId::new()),
        text: "The boiler arrives on Tuesday morning.".to_owned(),
    }
}

/// The worker's context at a fixed instant (2027-01-15T08:00:00Z).
fn context() -> CommandContext {
    let now = Timestamp::from_micros(1_800_000_000_000_000).unwrap_or(Timestamp::UNIX_EPOCH);
    CommandContext::system(now, None)
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted
        .get((sorted.len() * p / 100).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
