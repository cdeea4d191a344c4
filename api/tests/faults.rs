//! Fault tests (issue 15): real `cma` processes under concurrent load while
//! they are SIGKILLed and restarted, and (on PostgreSQL) while the
//! database's backends are terminated; then every acknowledged command is
//! checked against the log, the read models against a rebuild, the
//! invariants, the emails at a real SMTP server, the hash chain and the
//! leases.
//!
//! - `faults_on_postgresql`: two `--roles api`, two `--roles projector` and
//!   two `--roles worker` processes on one fresh database;
//! - `faults_on_the_embedded_default`: one `cma serve` on SQLite files.
//!
//! Each runs `CMA_FAULTS_SECONDS` of load (default 20 and 12: the short
//! variant `cargo test --workspace` runs). The full run:
//!
//! ```sh
//! CMA_FAULTS_SECONDS=120 cargo test -p cma-api --test faults -- --nocapture --test-threads 1
//! ```

#[path = "faults/check.rs"]
mod check;
#[path = "faults/cluster.rs"]
mod cluster;
#[path = "faults/load.rs"]
mod load;

use cluster::{Cluster, Mode};
use std::time::Duration;

/// One fault test at a time: each starts several processes on two cores.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn seconds(default: u64) -> Duration {
    let seconds = std::env::var("CMA_FAULTS_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    Duration::from_secs(seconds)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_on_postgresql() {
    let _one = ONE_AT_A_TIME.lock().await;
    let cluster = Cluster::start(Mode::Postgres).await;
    let report = cluster.run(seconds(20)).await;
    report.print();
    report.assert_passed();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_on_the_embedded_default() {
    let _one = ONE_AT_A_TIME.lock().await;
    let cluster = Cluster::start(Mode::Embedded).await;
    let report = cluster.run(seconds(12)).await;
    report.print();
    report.assert_passed();
}
