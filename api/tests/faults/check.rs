//! After the load: catch up, then check everything, and report figures.

use crate::cluster::{Cluster, Faults, Mode};
use crate::load::{Ledger, Setup};
use clap::Parser;
use cma_projections::ReadDb;
use cma_store::EventStore;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    config: cma_api::config::Config,
}

/// The worker's followers, on the projections runner's leases.
const FOLLOWERS: [&str; 2] = ["email_outbox", "worker_due"];
/// Lease namespaces: the runner's ("CMAP") and the worker's job locks ("CMAW").
const LEASES: i64 = 0x434d_4150;
const JOB_LOCKS: i64 = 0x434d_4157;

pub struct Report {
    mode: Mode,
    figures: Vec<String>,
    results: Vec<(String, Result<String, String>)>,
    logs: String,
}

impl Report {
    fn pass(&mut self, name: &str, detail: String) {
        self.results.push((name.to_owned(), Ok(detail)));
    }

    fn fail(&mut self, name: &str, detail: String) {
        self.results.push((name.to_owned(), Err(detail)));
    }

    fn outcome(&mut self, name: &str, problems: Vec<String>, detail: String) {
        if problems.is_empty() {
            self.pass(name, detail);
        } else {
            let shown: Vec<String> = problems.iter().take(10).cloned().collect();
            self.fail(
                name,
                format!("{} problem(s): {}", problems.len(), shown.join("; ")),
            );
        }
    }

    pub fn print(&self) {
        println!("\n=== fault test ({:?}) ===", self.mode);
        for line in &self.figures {
            println!("{line}");
        }
        println!("assertions:");
        for (name, result) in &self.results {
            match result {
                Ok(detail) => println!("  PASS  {name}: {detail}"),
                Err(detail) => println!("  FAIL  {name}: {detail}"),
            }
        }
    }

    pub fn assert_passed(&self) {
        let failed: Vec<&String> = self
            .results
            .iter()
            .filter(|(_, r)| r.is_err())
            .map(|(name, _)| name)
            .collect();
        assert!(
            failed.is_empty(),
            "failed: {failed:?} (see the report above)\nlogs:\n{}",
            self.logs
        );
    }
}

async fn open_store(cluster: &Cluster) -> Arc<dyn EventStore> {
    match &cluster.database {
        Some((url, _)) => Arc::new(
            cma_store::postgres::PgStore::connect(url)
                .await
                .expect("event log"),
        ),
        None => Arc::new(
            cma_store::sqlite::SqliteStore::open(&cluster.data_dir().join("events.db"))
                .await
                .expect("event log"),
        ),
    }
}

/// The log's head, as the first API process reports it (`i64::MAX` while
/// it does not answer).
async fn log_head(cluster: &Cluster) -> u64 {
    let base = cluster.api_bases().await[0].clone();
    let body: Option<serde_json::Value> =
        match cluster.http.get(format!("{base}/readyz")).send().await {
            Ok(r) => r.json().await.ok(),
            Err(_) => None,
        };
    body.and_then(|b| b["event_log_head"].as_u64())
        .unwrap_or(i64::MAX as u64)
}

/// The lowest checkpoint of the projectors and the worker's followers.
async fn lowest_checkpoint(pool: &sqlx::AnyPool) -> i64 {
    let names: Vec<String> = cma_projections::views::names()
        .into_iter()
        .chain(FOLLOWERS)
        .map(str::to_owned)
        .collect();
    let mut lowest = i64::MAX;
    for name in names {
        let at: Option<i64> =
            sqlx::query_scalar("SELECT position FROM projection_checkpoints WHERE name = $1")
                .bind(name)
                .fetch_optional(pool)
                .await
                .ok()
                .flatten();
        lowest = lowest.min(at.unwrap_or(0));
    }
    lowest
}

fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

pub async fn check(
    cluster: Cluster,
    setup: Setup,
    ledger: &Ledger,
    faults: Faults,
    load_time: Duration,
    seed: u64,
) -> Report {
    let mut report = Report {
        mode: cluster.mode,
        figures: Vec::new(),
        results: Vec::new(),
        logs: String::new(),
    };
    let settle = Instant::now();

    report.outcome(
        "no process exited by itself",
        faults.unexpected_exits.clone(),
        "none".into(),
    );
    report.outcome(
        "every restart answered /healthz within 30 s",
        faults.slow_restarts.clone(),
        format!("{} restarts", faults.restarts),
    );

    // Every process ready again: they reconnected by themselves.
    let mut unready = Vec::new();
    for proc in &cluster.procs {
        let proc = proc.lock().await;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let last = match cluster
                .http
                .get(format!("{}/readyz", proc.base()))
                .send()
                .await
            {
                Ok(r) if r.status().is_success() => break,
                Ok(r) => format!("{} {}", r.status(), r.text().await.unwrap_or_default()),
                Err(e) => e.to_string(),
            };
            if Instant::now() >= deadline {
                unready.push(format!("{}: {last}", proc.name));
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    report.outcome(
        "every process ready (/readyz 200) after the faults",
        unready,
        format!("{} processes", cluster.procs.len()),
    );

    let ready_after = settle.elapsed();
    // Caught up: every projector and follower at the head.
    let pool = cluster.read.clone();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut head = log_head(&cluster).await;
    let mut lowest = lowest_checkpoint(&pool).await;
    while lowest < head as i64 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        head = log_head(&cluster).await;
        lowest = lowest_checkpoint(&pool).await;
    }
    if lowest >= head as i64 {
        report.pass(
            "projectors and worker followers caught up",
            format!("head {head}"),
        );
    } else {
        report.fail(
            "projectors and worker followers caught up",
            format!("lowest checkpoint {lowest} < head {head} after 60 s"),
        );
    }
    let caught_up_after = settle.elapsed();
    // Emails: nothing left whose time has come. A row claimed by a killed
    // worker is due again only when its claim lapses, and a client's
    // portal update waits out its quiet period: neither is due yet.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let due: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM email_outbox WHERE state = 'pending' \
             AND next_attempt_at <= $1",
        )
        .bind(now_micros())
        .fetch_one(&pool)
        .await
        .expect("outbox");
        if due == 0 {
            report.pass("the outbox drained", "no email due".into());
            break;
        }
        if Instant::now() >= deadline {
            let rows: Vec<(String, i64, i64, Option<String>)> = sqlx::query_as(
                "SELECT kind, attempts, next_attempt_at, last_error FROM email_outbox \
                 WHERE state = 'pending' AND next_attempt_at <= $1",
            )
            .bind(now_micros())
            .fetch_all(&pool)
            .await
            .unwrap_or_default();
            let now = now_micros();
            let rows: Vec<String> = rows
                .iter()
                .take(5)
                .map(|(kind, attempts, next, error)| {
                    format!(
                        "{kind} attempts {attempts} due {} s ago {error:?}",
                        (now - next) / 1_000_000
                    )
                })
                .collect();
            report.fail(
                "the outbox drained",
                format!("{due} emails still due after 60 s: {}", rows.join("; ")),
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let drained_after = settle.elapsed();
    if cluster.mode == Mode::Postgres {
        check_leases(&cluster, &pool, &mut report).await;
    }
    let settled = settle.elapsed();

    // Stop everything; what remains is checked at rest.
    for proc in &cluster.procs {
        let mut proc = proc.lock().await;
        report.logs.push_str(&format!(
            "--- {} (last lines)\n{}\n",
            proc.name,
            proc.tail(15)
        ));
        proc.kill();
    }
    let store = open_store(&cluster).await;

    // The log.
    let mut log: BTreeMap<u64, (String, String)> = BTreeMap::new();
    let mut after = 0;
    loop {
        let batch = store.read_all(after, 10_000).await.expect("read the log");
        let Some(last) = batch.last() else { break };
        after = last.position;
        for e in batch {
            log.insert(
                e.position,
                (e.stream.as_str().to_owned(), e.event.event_type.clone()),
            );
        }
    }
    let head = store.head().await.expect("head");
    let answered = crate::load::lock(&ledger.answered).clone();
    let mut missing = Vec::new();
    for a in &answered {
        match (log.get(&a.position), &a.stream) {
            (None, _) => missing.push(format!("{} at {}: no event there", a.kind, a.position)),
            (Some((stream, kind)), Some(expected)) if stream != expected => missing.push(format!(
                "{} at {}: {kind} on {stream}, not on {expected}",
                a.kind, a.position
            )),
            _ => {}
        }
    }
    report.outcome(
        "every 2xx-answered command has its events in the log",
        missing,
        format!("{} commands, {} events", answered.len(), log.len()),
    );

    // Each quote accepted at most once, in the log and in the answers.
    let mut acceptances: BTreeMap<String, u32> = BTreeMap::new();
    for (stream, kind) in log.values() {
        if kind == "QuoteAccepted" {
            *acceptances.entry(stream.clone()).or_default() += 1;
        }
    }
    let mut problems: Vec<String> = acceptances
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(s, n)| format!("{s} accepted {n} times in the log"))
        .collect();
    let mut answers: BTreeMap<String, u32> = BTreeMap::new();
    for quote in crate::load::lock(&ledger.accepted).iter() {
        *answers.entry(quote.clone()).or_default() += 1;
    }
    for (quote, n) in &answers {
        if *n > 1 {
            problems.push(format!("quote {quote}: {n} acceptances answered 2xx"));
        }
        if !acceptances.contains_key(&format!("quote-{quote}")) {
            problems.push(format!(
                "quote {quote}: answered accepted, no QuoteAccepted"
            ));
        }
    }
    report.outcome(
        "each quote accepted at most once",
        problems,
        format!(
            "{} quotes accepted, {} acceptances answered 2xx",
            acceptances.len(),
            answers.values().sum::<u32>()
        ),
    );

    // Each slot at most one Scheduled appointment.
    let doubled: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT team_id, starts_at, COUNT(*) FROM appointments WHERE status = 'scheduled' \
         GROUP BY team_id, starts_at HAVING COUNT(*) > 1",
    )
    .fetch_all(&pool)
    .await
    .expect("appointments");
    let scheduled: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE status = 'scheduled'")
            .fetch_one(&pool)
            .await
            .expect("appointments");
    report.outcome(
        "each slot has at most one Scheduled appointment",
        doubled
            .iter()
            .map(|(t, s, n)| format!("team {t} slot {s}: {n} scheduled"))
            .collect(),
        format!(
            "{} slots, {scheduled} scheduled now, {} bookings answered 201",
            setup.slots.len(),
            answered.iter().filter(|a| a.kind == "book a slot").count()
        ),
    );

    // Emails: at most once per (event, recipient) outside the window.
    let received = cluster.smtp.per_message();
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT message_id, state, attempts FROM email_outbox")
            .fetch_all(&pool)
            .await
            .expect("outbox");
    let worker_kills = faults
        .kills
        .iter()
        .filter(|(_, roles, _)| roles.contains("worker"))
        .count();
    let mut problems = Vec::new();
    let mut in_window = 0;
    // Accepted by the server, not yet recorded sent: the window, open.
    let mut unrecorded = 0;
    let by_id: BTreeMap<String, (String, i64)> = rows
        .iter()
        .map(|(id, state, attempts)| (strip(id), (state.clone(), *attempts)))
        .collect();
    for (id, n) in &received {
        let id = strip(id);
        match by_id.get(&id) {
            None => problems.push(format!("{id}: received, not in the outbox")),
            Some((_, attempts)) if *n > 1 => {
                // The documented window: accepted by the server, then the
                // worker died before recording it; sent again after the
                // claim lapsed (a second attempt).
                if *attempts >= 2 && worker_kills > 0 {
                    in_window += 1;
                } else {
                    problems.push(format!("{id}: received {n} times, {attempts} attempt(s)"));
                }
            }
            Some((state, _)) => {
                if state == "pending" {
                    unrecorded += 1;
                }
            }
        }
    }
    let received_ids: BTreeSet<String> = received.keys().map(|id| strip(id)).collect();
    let mut states: BTreeMap<String, u64> = BTreeMap::new();
    for (id, state, _) in &rows {
        *states.entry(state.clone()).or_default() += 1;
        if state == "sent" && !received_ids.contains(&strip(id)) {
            problems.push(format!("{id}: recorded sent, never received"));
        }
    }
    let deliveries: usize = received.values().sum();
    report.outcome(
        "no email sent twice for one (event, recipient) outside the window",
        problems,
        format!(
            "{deliveries} deliveries of {} messages, {in_window} duplicate(s) in the window, \
             {unrecorded} received but not yet recorded sent (a worker killed in the window); outbox {states:?}",
            received.len()
        ),
    );

    // No 500: only 503 for the store out of reach.
    let errors = crate::load::lock(&ledger.server_errors).clone();
    report.outcome("no 500 (failures are 503)", errors, "none".into());

    // The read models equal a rebuild into shadow tables.
    let read = match &cluster.database {
        Some((url, _)) => ReadDb::connect_postgres(url).await,
        None => ReadDb::open_sqlite(&cluster.data_dir().join("read.db")).await,
    }
    .expect("read db");
    let projected = cma_testkit::dump::dump(&read).await;
    let rebuilt = cma_projections::rebuild::rebuild(
        store.clone(),
        &read,
        &cma_projections::views::all(),
        &cma_projections::rebuild::Silent,
    )
    .await
    .expect("rebuild");
    let again = cma_testkit::dump::dump(&read).await;
    let rows: usize = projected.values().map(Vec::len).sum();
    let differing: Vec<String> = projected
        .iter()
        .filter(|(table, lines)| again.get(*table) != Some(*lines))
        .map(|(table, lines)| {
            let other = again.get(table).map_or(0, Vec::len);
            let first = lines
                .iter()
                .find(|l| !again.get(table).is_some_and(|a| a.contains(l)))
                .or_else(|| {
                    again
                        .get(table)
                        .and_then(|a| a.iter().find(|l| !lines.contains(l)))
                })
                .cloned()
                .unwrap_or_default();
            format!(
                "{table}: {} rows projected, {other} rebuilt; e.g. {first}",
                lines.len()
            )
        })
        .collect();
    report.outcome(
        "read models equal a rebuild into shadow tables, row for row",
        differing,
        format!(
            "{} tables, {rows} rows, {} events replayed",
            projected.len(),
            rebuilt.events
        ),
    );
    read.close().await;
    store.close().await;

    // The hash chain.
    let mut args = vec!["cma".to_owned()];
    match &cluster.database {
        Some((url, _)) => args.extend(["--database-url".to_owned(), url.clone()]),
        None => args.extend([
            "--data-dir".to_owned(),
            cluster.data_dir().display().to_string(),
        ]),
    }
    let config = Args::try_parse_from(args).expect("configuration").config;
    match cma_api::audit::command::verify(&config, 0).await {
        Ok(v) => report.pass(
            "every hash chain verifies",
            format!("{} events in {} streams", v.events, v.streams),
        ),
        Err(e) => report.fail("every hash chain verifies", cma_api::cli::error_message(&e)),
    }
    cluster.drop_database().await;
    let cluster_mode = cluster.mode;

    // Figures.
    let statuses = crate::load::lock(&ledger.statuses).clone();
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    for counts in statuses.values() {
        for (status, n) in counts {
            *by_status.entry(status.clone()).or_default() += n;
        }
    }
    let mut kills: BTreeMap<&str, u32> = BTreeMap::new();
    for (_, roles, _) in &faults.kills {
        *kills.entry(roles).or_default() += 1;
    }
    let f = &mut report.figures;
    f.push(format!(
        "load {:.1} s (seed {seed}), then {:.1} s to settle (ready {:.1} s, caught up {:.1} s, outbox {:.1} s); \
         {} portal clients, {} slots, {} API process(es)",
        load_time.as_secs_f64(),
        settled.as_secs_f64(),
        ready_after.as_secs_f64(),
        caught_up_after.as_secs_f64(),
        drained_after.as_secs_f64(),
        setup.clients.len(),
        setup.slots.len(),
        setup.apis.len()
    ));
    f.push(format!("events appended: {head} (log head)"));
    f.push(format!("requests by status: {by_status:?}"));
    f.push("by kind:".into());
    for (kind, counts) in &statuses {
        f.push(format!("  {kind}: {counts:?}"));
    }
    f.push(format!(
        "SIGKILLs: {} {kills:?}; restarts: {}",
        faults.kills.len(),
        faults.restarts
    ));
    if cluster_mode == Mode::Postgres {
        f.push(format!(
            "PostgreSQL connections to the database, most at once: {}; most by one process of each role: {:?}",
            faults.peak_connections, faults.peak_by_role
        ));
    }
    if let Some(at) = faults.terminated_at {
        f.push(format!(
            "pg_terminate_backend: {} backends at {:.1} s",
            faults.terminated_backends,
            at.as_secs_f64()
        ));
    }
    report
}

/// A Message-ID without its angle brackets.
fn strip(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned()
}

/// Each lease held by exactly one live process of the right role; each
/// job lock by at most one.
async fn check_leases(cluster: &Cluster, pool: &sqlx::AnyPool, report: &mut Report) {
    let mut pids: BTreeMap<u32, (String, &'static str)> = BTreeMap::new();
    for proc in &cluster.procs {
        let proc = proc.lock().await;
        if let Some(pid) = proc.pid() {
            pids.insert(pid, (proc.name.clone(), proc.roles));
        }
    }
    let mut wanted: Vec<(String, i64, &str, bool)> = cma_projections::views::names()
        .into_iter()
        .map(|n| (n.to_owned(), LEASES, "projector", true))
        .collect();
    wanted.extend(FOLLOWERS.map(|n| (n.to_owned(), LEASES, "worker", true)));
    wanted.extend(
        cma_workers::rules::TimedJob::ALL
            .map(|j| (j.name().to_owned(), JOB_LOCKS, "worker", false)),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let (problems, holders) = loop {
        let mut problems = Vec::new();
        let mut holders = Vec::new();
        for (name, namespace, role, exactly_one) in &wanted {
            let apps: Vec<String> = sqlx::query_scalar(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
                 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 \
                   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
                   AND l.classid::text::bigint = $1 \
                   AND l.objid::text::bigint = (hashtext($2)::bigint & 4294967295)",
            )
            .bind(*namespace)
            .bind(name.clone())
            .fetch_all(pool)
            .await
            .expect("pg_locks");
            if *exactly_one && apps.len() != 1 || apps.len() > 1 {
                problems.push(format!("{name}: {} holders {apps:?}", apps.len()));
            }
            for app in &apps {
                let pid = app
                    .strip_prefix("cma-")
                    .and_then(|rest| rest.split('-').next())
                    .and_then(|pid| pid.parse::<u32>().ok());
                match pid.and_then(|pid| pids.get(&pid)) {
                    Some((proc, roles)) if roles.contains(role) => {
                        holders.push(format!("{name}@{proc}"));
                    }
                    Some((proc, _)) => {
                        problems.push(format!("{name}: held by {proc}, not a {role}"))
                    }
                    None => problems.push(format!("{name}: held by {app}, no live process")),
                }
            }
        }
        if problems.is_empty() || Instant::now() >= deadline {
            break (problems, holders);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let mut states = Vec::new();
    for proc in &cluster.procs {
        let proc = proc.lock().await;
        if proc.roles == "api" {
            continue;
        }
        if let Ok(r) = cluster
            .http
            .get(format!("{}/readyz", proc.base()))
            .send()
            .await
            && let Ok(body) = r.json::<serde_json::Value>().await
        {
            states.push(format!("{}={}", proc.name, body[proc.roles]["state"]));
        }
    }
    report.outcome(
        "each lease held by exactly one live process (pg_locks), job locks by at most one",
        problems,
        format!("{}; /readyz {}", holders.join(" "), states.join(" ")),
    );
}
