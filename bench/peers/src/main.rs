//! Peer comparison: the same command mix through cqrs-es with postgres-es and
//! through the portal's command runner (`cma_store::Service` over
//! `cma_store::postgres::PgStore`), in one process and one run, each on a
//! scratch PostgreSQL database of its own.
//!
//! ```text
//! cargo run --release --manifest-path bench/peers/Cargo.toml -- [--seconds N] [--postgres URL]
//! ```
//!
//! Built outside the portal's workspace (with
//! `CARGO_TARGET_DIR=$HOME/.cache/cma-client-portal/peers-target`), so the
//! peer framework never enters the portal's own builds. `--seconds` is the
//! length of each measured cell (default 5); `--postgres` names a server
//! database used to create and drop the two scratch databases (default
//! `postgres://postgres@127.0.0.1:5432/test`).
//!
//! The command is "post a message to a thread": load the thread, check the
//! message, append one message-posted event carrying the same 145-byte text
//! on both sides. Threads grow with every command and neither side takes
//! snapshots. Cells: 1, 16 and 64 threads driven closed-loop (each of C
//! tasks posts to its own thread as soon as its previous post finished),
//! then one thread that already holds 10,000 messages. The two systems run
//! each cell one after the other, the order alternating from cell to cell,
//! so both see the same machine.

mod load;
mod ours;
mod peer;

use load::{Measured, Poster, closed_loop};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

use cma_testkit::bench::{ScratchDb, count, flag};

/// The message both systems post, 145 bytes.
pub const TEXT: &str = "Hello Mrs Patel, the new boiler arrives on Tuesday between eight and ten; \
please leave the side gate open so the fitters can start straight away.";

/// Past messages in the thread of the history cell.
const HISTORY: usize = 10_000;

type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let seconds = count("--seconds", 5)?;
    let server =
        flag("--postgres").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let run = Duration::from_secs(u64::try_from(seconds)?);

    eprintln!("load average before: {}", load_average());
    let peer_db = ScratchDb::create(&server).await?;
    let ours_db = ScratchDb::create(&server).await?;
    let result = compare(&peer_db.url, &ours_db.url, run).await;
    peer_db.drop().await?;
    ours_db.drop().await?;
    let rows = result?;
    eprintln!("load average after: {}", load_average());

    println!("{seconds} s per cell; message posts, one event each, no snapshots");
    println!("| system | cell | commands/s | p50 ms | p99 ms | errors | ours / cqrs-es |");
    println!("|---|---|---|---|---|---|---|");
    for (cell, peer, ours) in &rows {
        println!("{}", row("cqrs-es + postgres-es", cell, peer, ""));
        let ratio = format!("{:.2}", ours.per_second() / peer.per_second());
        println!("{}", row("cma Service + PgStore", cell, ours, &ratio));
    }
    for (cell, peer, ours) in &rows {
        for (system, m) in [("cqrs-es", peer), ("ours", ours)] {
            if let Some(e) = &m.first_error {
                eprintln!("{system}, {cell}: first error: {e}");
            }
        }
    }
    Ok(())
}

/// Every cell on both systems: (cell, cqrs-es, ours).
async fn compare(
    peer_url: &str,
    ours_url: &str,
    run: Duration,
) -> Result<Vec<(String, Measured, Measured)>, Failure> {
    let peer = Arc::new(peer::Peer::connect(peer_url).await?);
    let ours = Arc::new(ours::Ours::connect(ours_url).await?);
    let mut rows = Vec::new();
    for (i, threads) in [1usize, 16, 64].into_iter().enumerate() {
        let cell = if threads == 1 {
            "1 thread".to_owned()
        } else {
            format!("{threads} threads")
        };
        let peer_threads: Vec<Uuid> = (0..threads).map(|_| Uuid::new_v4()).collect();
        let ours_threads: Vec<Uuid> = (0..threads).map(|_| Uuid::new_v4()).collect();
        let (p, o) = both(
            i % 2 == 0,
            (&peer, &peer_threads),
            (&ours, &ours_threads),
            run,
        )
        .await?;
        eprintln!("{cell}: done");
        rows.push((cell, p, o));
    }

    let peer_thread = Uuid::new_v4();
    peer.seed(peer_thread, HISTORY).await?;
    let ours_thread = Uuid::new_v4();
    ours.seed(ours_thread, HISTORY).await?;
    let (p, o) = both(false, (&peer, &[peer_thread]), (&ours, &[ours_thread]), run).await?;
    rows.push(("1 thread, 10,000 past messages".to_owned(), p, o));

    ours.close().await;
    peer.close().await;
    Ok(rows)
}

/// One cell on both systems, one after the other (cqrs-es first if
/// `peer_first`).
async fn both<P: Poster, O: Poster>(
    peer_first: bool,
    peer: (&Arc<P>, &[Uuid]),
    ours: (&Arc<O>, &[Uuid]),
    run: Duration,
) -> Result<(Measured, Measured), Failure> {
    if peer_first {
        let p = closed_loop(peer.0.clone(), peer.1, run).await?;
        let o = closed_loop(ours.0.clone(), ours.1, run).await?;
        Ok((p, o))
    } else {
        let o = closed_loop(ours.0.clone(), ours.1, run).await?;
        let p = closed_loop(peer.0.clone(), peer.1, run).await?;
        Ok((p, o))
    }
}

fn row(system: &str, cell: &str, m: &Measured, ratio: &str) -> String {
    format!(
        "| {system} | {cell} | {:.0} | {:.2} | {:.2} | {} | {ratio} |",
        m.per_second(),
        m.millis_at(0.50),
        m.millis_at(0.99),
        m.errors,
    )
}

/// The first three fields of `/proc/loadavg`, or "unknown".
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}
