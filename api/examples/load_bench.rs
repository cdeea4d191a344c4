//! HTTP throughput and latency of the portal's commands and reads, through
//! the real `cma serve` process, beside a GET ceiling measured in the same
//! run by the same load generator.
//!
//! ```text
//! cargo run --release -p cma-api --example load_bench -- [--seconds N] [--postgres URL] [--log FILE] [--cma PATH]
//! ```
//! The bench first runs `cargo build --release -p cma-api --bin cma --example load_bench` itself
//! (with the `cargo` that started it, so `CARGO_TARGET_DIR` is honoured) and
//! starts the `cma` binary beside its own `examples/` folder, on a fresh
//! temporary data directory (embedded SQLite, emails to the outbox folder)
//! on a free loopback port. With `--postgres URL` (a server database, e.g.
//! `postgres://postgres@127.0.0.1:5432/test`) a second run puts the event log
//! and read models on a scratch database created and dropped by the bench.
//! With `--log FILE` the SQLite server starts on a copy of that event log
//! (for example the `events.db` that `rebuild_bench --dir` leaves, of a
//! million events) and of the `read.db` beside it when there is one (the
//! read models rebuilt from it), and is seeded once its projectors have
//! caught up with the log; its first invite email waits (up to 15 min)
//! for the email worker, which starts from the log's first event. With
//! `--cma PATH` the bench runs that server program instead of building this
//! checkout's (another commit's build, for a comparison in turns, or a
//! script starting it under a profiler).
//!
//! Seeding goes only through the HTTP API: a staff signup, 30-minute meeting
//! slots, then 64 clients, each invited (the link's token read from the
//! invite email in the outbox), with a password set from it, logged in, and
//! sent a quote of one fixed and one optional line. Every session is a
//! cookie session as in a browser: unsafe requests carry `X-CSRF-Token`, and
//! one message-post workload a fresh `Idempotency-Key` too, as the web
//! portal's POSTs do.
//!
//! Throughput cells are closed-loop: each of C workers (C = 1, 16, 64) sends
//! its next request when the previous one answered, for `--seconds` (default
//! 5) per cell; portal worker `i` is client `i`, staff worker `i` has a staff
//! session of its own. Latency cells are open-loop: requests arrive at a
//! fixed rate (`--rates`, default 1000,2500,5000 per second) spread over the
//! 64 clients whatever the answers' pace, at most 512 in flight, and each
//! latency is counted from the moment its request was due, so a stalled
//! server shows as latency instead of as fewer requests (no coordinated
//! omission). The server's resident memory (now and its peak) is printed
//! with the number of events in its log after seeding and after the cells. The GET ceiling is a constant axum handler in this
//! process answering the bytes of a real quote view; the write ceiling an
//! axum handler in this process inserting the request's bytes (the size of
//! one stored event) into a bare table of the same database kind with the
//! same durability (SQLite in WAL with `synchronous=FULL`, or PostgreSQL),
//! group-committed as the event log's writer does: whatever inserts wait
//! when a transaction ends go into the next one. Commands are shown as a
//! ratio to the write ceiling, reads to the GET ceiling. Before the
//! ceilings and before each workload (not each cell) the bench waits until
//! the server's projectors and worker followers have read the whole log
//! (`/readyz`), so that no workload starts beside the read models and
//! email enqueuing the workloads before it left behind (the worker's send
//! loop is not waited for); it prints how long each wait took.

use hdrhistogram::Histogram;
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cma_testkit::bench::{ScratchDb, count, flag};

type Error = Box<dyn StdError + Send + Sync>;
type Result<T, E = Error> = std::result::Result<T, E>;

const CLIENTS: usize = 64;
const CONCURRENCY: [usize; 3] = [1, 16, CLIENTS];
const PASSWORD: &str = "correct horse battery";
const OWNER: &str = "owner@bench.test";
const CSRF_HEADER: &str = "X-CSRF-Token";

#[tokio::main]
async fn main() -> Result<()> {
    let seconds = count("--seconds", 5)?;
    let cell = Duration::from_secs(u64::try_from(seconds)?);
    let rates: Vec<u32> = flag("--rates")
        .unwrap_or_else(|| "1000,2500,5000".to_owned())
        .split(',')
        .map(|r| r.trim().parse())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("--rates takes requests per second, comma-separated: {e}"))?;
    let log = flag("--log").map(PathBuf::from);
    let cma = match flag("--cma") {
        Some(path) => PathBuf::from(path),
        None => build_server()?,
    };

    println!("closed loop, {seconds} s per cell, {CLIENTS} seeded clients");
    println!(
        "| backend | workload | C | requests/s | p50 ms | p99 ms | max ms | non-2xx | of which 5xx | no answer | × its ceiling |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut reports = vec![run_backend(&cma, "SQLite", None, log.as_deref(), cell, &rates).await?];
    if let Some(server) = flag("--postgres") {
        let db = ScratchDb::create(&server)
            .await
            .map_err(|e| format!("creating a scratch database on {server}: {e}"))?;
        let outcome = run_backend(&cma, "PostgreSQL", Some(&db.url), None, cell, &rates).await;
        db.drop()
            .await
            .map_err(|e| format!("dropping the scratch database: {e}"))?;
        reports.push(outcome?);
    }

    println!();
    println!("open loop, {seconds} s per cell, latency from each request's due time");
    println!(
        "| backend | workload | offered/s | answered/s | p50 ms | p99 ms | max ms | non-2xx | of which 5xx | no answer |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for report in &reports {
        for row in &report.open_loop {
            println!("{row}");
        }
    }
    println!();
    println!("| backend | before the cells of | s waiting for the read models and the worker |");
    println!("|---|---|---|");
    for report in &reports {
        for row in &report.settled {
            println!("{row}");
        }
    }
    println!();
    println!(
        "| backend | when | events in the log | server RSS | of which anonymous | of which file-backed | server peak RSS |"
    );
    println!("|---|---|---|---|---|---|---|");
    for report in &reports {
        for row in &report.memory {
            println!("{row}");
        }
    }
    Ok(())
}

/// What a backend's run prints after every backend's closed-loop rows.
struct Report {
    open_loop: Vec<String>,
    settled: Vec<String>,
    memory: [String; 2],
}

/// Builds the `cma` binary of this checkout; its path. Built together with
/// this bench, as `cargo run --example load_bench` builds it, so both
/// builds select the same dependency features and neither undoes the other.
fn build_server() -> Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(&cargo)
        .args([
            "build",
            "--release",
            "-p",
            "cma-api",
            "--bin",
            "cma",
            "--example",
            "load_bench",
        ])
        .status()
        .map_err(|e| format!("running {cargo} build: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build of the cma binary failed ({status})").into());
    }
    let exe = std::env::current_exe()?;
    let release = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("the bench is not inside a target directory")?;
    let cma = release.join("cma");
    if !cma.is_file() {
        return Err(format!("no cma binary at {}", cma.display()).into());
    }
    Ok(cma)
}

async fn run_backend(
    cma: &Path,
    backend: &str,
    database: Option<&str>,
    log: Option<&Path>,
    cell: Duration,
    rates: &[u32],
) -> Result<Report> {
    let mut server = Server::start(cma, database, log).await?;
    let seeded = Arc::new(seed(&server).await?);
    // Each workload starts once the read models and the worker have read
    // what the ones before it appended (a booking's emails, a message's
    // notifications), so that it does not share the machine with their
    // backlog; how long that took is printed.
    let mut settled = Vec::new();
    let seeded_memory = server.memory(&seeded.staff[0]).await?;
    let ceiling = Ceiling::start(seeded.quote_view.clone()).await?;
    let scratch = tempfile::tempdir()?;
    let writes = WriteCeiling::start(database, &scratch.path().join("raw.db")).await?;
    let mut ceilings = BTreeMap::new();
    let (took, _) = server.caught_up(true, SETTLE_WITHIN).await?;
    settled.push(settled_row(backend, "the ceilings", took));
    for baseline in [
        Workload::Ceiling(ceiling.url.clone()),
        Workload::Writes(writes.url),
    ] {
        for c in CONCURRENCY {
            let figures = drive(&seeded, baseline.clone(), c, cell).await?;
            print_row(backend, baseline.name(), c, &figures, None);
            ceilings.insert((baseline.is_write(), c), figures.per_second());
        }
    }
    for workload in [
        Workload::Toggle,
        Workload::Message,
        Workload::KeyedMessage,
        Workload::BookCancel,
        Workload::QuoteView,
        Workload::Inbox,
    ] {
        let (took, _) = server.caught_up(true, SETTLE_WITHIN).await?;
        settled.push(settled_row(backend, workload.name(), took));
        for c in CONCURRENCY {
            let figures = drive(&seeded, workload.clone(), c, cell).await?;
            let ceiling = ceilings.get(&(workload.is_write(), c)).copied();
            print_row(backend, workload.name(), c, &figures, ceiling);
        }
    }
    let mut open_loop = Vec::new();
    for workload in [
        Workload::Ceiling(ceiling.url),
        Workload::QuoteView,
        Workload::Message,
        Workload::KeyedMessage,
    ] {
        let (took, _) = server.caught_up(true, SETTLE_WITHIN).await?;
        settled.push(settled_row(
            backend,
            &format!("{} (open loop)", workload.name()),
            took,
        ));
        for &rate in rates {
            let figures = drive_open(&seeded, &workload, rate, cell).await?;
            open_loop.push(open_row(backend, workload.name(), rate, &figures));
        }
    }
    let memory = server.memory(&seeded.staff[0]).await?;
    server.stop()?;
    Ok(Report {
        open_loop,
        settled,
        memory: [
            format!("| {backend} | after seeding | {seeded_memory} |"),
            format!("| {backend} | after the cells | {memory} |"),
        ],
    })
}

fn print_row(backend: &str, workload: &str, c: usize, f: &Figures, ceiling: Option<f64>) {
    let ratio = ceiling.map_or("1".to_owned(), |ceiling| {
        format!("{:.3}", f.per_second() / ceiling)
    });
    println!(
        "| {backend} | {workload} | {c} | {:.0} | {} | {ratio} |",
        f.per_second(),
        f.columns()
    );
}

/// Longest wait for the read models and the worker before a workload.
const SETTLE_WITHIN: Duration = Duration::from_secs(600);

fn settled_row(backend: &str, workload: &str, took: Duration) -> String {
    format!("| {backend} | {workload} | {:.1} |", took.as_secs_f64())
}

fn open_row(backend: &str, workload: &str, rate: u32, f: &Figures) -> String {
    format!(
        "| {backend} | {workload} | {rate} | {:.0} | {} |",
        f.per_second(),
        f.columns()
    )
}

/// A running `cma serve` over a temporary data directory; killed when stopped
/// or dropped.
struct Server {
    base: String,
    data_dir: PathBuf,
    log: PathBuf,
    child: Child,
    /// How long an invite email may take to reach the outbox: on a copied
    /// log the email worker first works through the log from its start
    /// (its position is not part of a rebuild).
    invite_wait: Duration,
    _dir: tempfile::TempDir,
}

impl Server {
    async fn start(cma: &Path, database: Option<&str>, events: Option<&Path>) -> Result<Server> {
        let dir = tempfile::tempdir()?;
        let data_dir = dir.path().join("data");
        if let Some(events) = events {
            std::fs::create_dir_all(&data_dir)?;
            std::fs::copy(events, data_dir.join("events.db"))
                .map_err(|e| format!("copying the event log {}: {e}", events.display()))?;
            let rebuilt = events.with_file_name("read.db");
            if rebuilt.is_file() {
                std::fs::copy(&rebuilt, data_dir.join("read.db"))
                    .map_err(|e| format!("copying {}: {e}", rebuilt.display()))?;
            }
        }
        let log = dir.path().join("cma.log");
        let output = std::fs::File::create(&log)?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut command = Command::new(cma);
        command
            .arg("serve")
            .env("CMA_DATA_DIR", &data_dir)
            .env("CMA_LISTEN", format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(output.try_clone()?)
            .stderr(output);
        if let Some(url) = database {
            command.env("CMA_DATABASE_URL", url);
        }
        let child = command
            .spawn()
            .map_err(|e| format!("starting {}: {e}", cma.display()))?;
        let mut server = Server {
            base: format!("http://127.0.0.1:{port}"),
            data_dir,
            log,
            child,
            invite_wait: Duration::from_secs(if events.is_some() { 900 } else { 60 }),
            _dir: dir,
        };
        server.wait_until_healthy().await?;
        if events.is_some() {
            server.wait_until_caught_up().await?;
        }
        Ok(server)
    }

    /// Waits until every projector has caught up with the copied log;
    /// prints how long that took.
    async fn wait_until_caught_up(&mut self) -> Result<()> {
        let (took, head) = self
            .caught_up(false, Duration::from_secs(1800))
            .await
            .map_err(|e| format!("{e} with the copied log"))?;
        println!("the read models caught up with {head} events in {took:.1?}");
        Ok(())
    }

    /// Waits until every projector, and with `worker` every follower of
    /// the worker, has read the whole log; how long that took, and the
    /// log's head then.
    async fn caught_up(&mut self, worker: bool, within: Duration) -> Result<(Duration, Value)> {
        let started = Instant::now();
        let http = Client::new();
        while started.elapsed() < within {
            self.still_running()?;
            let ready: Value = http.get(self.url("/readyz")).send().await?.json().await?;
            let lag = |v: &Value| v["lag"].as_u64().unwrap_or(u64::MAX);
            // No projector listed: their lag is not known.
            let mut behind = ready["projectors"]
                .as_array()
                .and_then(|ps| ps.iter().map(lag).max())
                .unwrap_or(u64::MAX);
            if worker {
                behind = behind.max(lag(&ready["worker"]));
            }
            if behind == 0 {
                return Ok((started.elapsed(), ready["event_log_head"].clone()));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let what = if worker {
            "the read models and the worker"
        } else {
            "the read models"
        };
        Err(format!("{what} did not catch up in {within:?}").into())
    }

    /// An error with the end of its log once `cma serve` has stopped.
    fn still_running(&mut self) -> Result<()> {
        match self.child.try_wait()? {
            Some(status) => {
                Err(format!("`cma serve` stopped ({status}):\n{}", self.log_tail()).into())
            }
            None => Ok(()),
        }
    }

    async fn wait_until_healthy(&mut self) -> Result<()> {
        let started = Instant::now();
        let http = Client::new();
        while started.elapsed() < Duration::from_secs(60) {
            self.still_running()?;
            if let Ok(r) = http.get(self.url("/healthz")).send().await
                && r.status().is_success()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!(
            "`cma serve` did not answer /healthz within 60 s:\n{}",
            self.log_tail()
        )
        .into())
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// The link token of the invite emailed to `address`, once the worker
    /// has written it to the outbox folder.
    async fn invite_token(&self, address: &str) -> Result<String> {
        let started = Instant::now();
        let outbox = self.data_dir.join("outbox");
        while started.elapsed() < self.invite_wait {
            if let Some(token) = token_in(&outbox, address)? {
                return Ok(token);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!(
            "no invite email to {address} in {} after {:?}",
            outbox.display(),
            self.invite_wait
        )
        .into())
    }

    /// The events in the log (from the staff readiness answer), and the
    /// server's resident memory now (anonymous: heap and SQLite page
    /// caches; file-backed: the binary and memory-mapped database files)
    /// and at its peak, from /proc.
    async fn memory(&self, staff: &Session) -> Result<String> {
        let ready = staff
            .http
            .get(self.url("/readyz"))
            .send()
            .await?
            .json::<Value>()
            .await?;
        let head = ready["event_log_head"]
            .as_u64()
            .ok_or("the readiness answer has no event_log_head")?;
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let field = |name: &str| -> Result<String> {
            let line = status
                .lines()
                .find(|l| l.starts_with(name))
                .ok_or_else(|| format!("no {name} in /proc/<pid>/status"))?;
            let kib: f64 = line
                .trim_start_matches(name)
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()?;
            Ok(format!("{:.0} MB", kib / 1024.0))
        };
        Ok(format!(
            "{head} | {} | {} | {} | {}",
            field("VmRSS:")?,
            field("RssAnon:")?,
            field("RssFile:")?,
            field("VmHWM:")?
        ))
    }

    fn stop(mut self) -> Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Already stopped when `stop` ran: then both calls fail harmlessly.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The token of the set-password link in an email to `address` in `outbox`.
fn token_in(outbox: &Path, address: &str) -> Result<Option<String>> {
    let Ok(entries) = std::fs::read_dir(outbox) else {
        return Ok(None);
    };
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let mail = mailparse::parse_mail(&bytes)?;
        let to = mailparse::MailHeaderMap::get_first_value(mail.headers.as_slice(), "To");
        if !to.is_some_and(|to| to.contains(address)) {
            continue;
        }
        let mut parts = vec![&mail];
        while let Some(part) = parts.pop() {
            if part.ctype.mimetype == "text/plain" {
                let text = part.get_body()?;
                let marker = "/portal/set-password?token=";
                if let Some((_, after)) = text.split_once(marker) {
                    let token: String = after
                        .chars()
                        .take_while(|c| {
                            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '%')
                        })
                        .collect();
                    return Ok(Some(token));
                }
            }
            parts.extend(&part.subparts);
        }
    }
    Ok(None)
}

/// A logged-in browser: its cookies and the CSRF token of its session.
struct Session {
    http: Client,
    csrf: String,
}

impl Session {
    async fn login(server: &Server, kind: &str, email: &str) -> Result<Session> {
        let http = Client::builder().cookie_store(true).build()?;
        let body = json!({"email": email, "password": PASSWORD});
        let path = format!("/api/v1/auth/{kind}/login");
        let answer = expect(http.post(server.url(&path)).json(&body), StatusCode::OK).await?;
        let csrf = answer["csrf_token"]
            .as_str()
            .ok_or("a login answered no csrf_token")?
            .to_owned();
        Ok(Session { http, csrf })
    }

    /// An unsafe request with a JSON body and the CSRF header.
    fn command(&self, method: reqwest::Method, url: String, body: &Value) -> RequestBuilder {
        self.http
            .request(method, url)
            .header(CSRF_HEADER, &self.csrf)
            .json(body)
    }
}

/// Sends a set-up request: its JSON answer, or an error unless `expected`.
/// A 503 (the server busy, for example its worker catching up with a copied
/// log) is sent again a second later, for up to 30 minutes.
async fn expect(request: RequestBuilder, expected: StatusCode) -> Result<Value> {
    let started = Instant::now();
    let response = loop {
        let attempt = request
            .try_clone()
            .ok_or("a set-up request that cannot be sent again")?;
        let response = attempt.send().await?;
        if response.status() != StatusCode::SERVICE_UNAVAILABLE
            || started.elapsed() > Duration::from_secs(1800)
        {
            break response;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    let status = response.status();
    let url = response.url().path().to_owned();
    let bytes = response.bytes().await?;
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if status != expected {
        return Err(format!("{url}: {status} (expected {expected}): {body}").into());
    }
    Ok(body)
}

fn text(value: &Value, what: &str) -> Result<String> {
    Ok(value
        .as_str()
        .ok_or_else(|| format!("no {what} in the answer"))?
        .to_owned())
}

/// A seeded client with its own session, quote and meeting slot.
struct PortalClient {
    session: Session,
    quote: String,
    line: String,
    /// Whether the optional line is chosen now.
    selected: AtomicBool,
    slot: String,
}

struct Seeded {
    base: String,
    clients: Vec<PortalClient>,
    staff: Vec<Session>,
    /// The bytes of a quote view, as the portal answers it.
    quote_view: bytes::Bytes,
}

async fn seed(server: &Server) -> Result<Seeded> {
    let http = Client::new();
    let team = json!({"business_name": "Bench Plumbing", "owner_name": "Bea Bench",
                      "owner_email": OWNER, "owner_password": PASSWORD});
    expect(
        http.post(server.url("/api/v1/teams")).json(&team),
        StatusCode::CREATED,
    )
    .await?;
    let mut staff = Vec::with_capacity(CLIENTS);
    for _ in 0..CLIENTS {
        staff.push(Session::login(server, "staff", OWNER).await?);
    }
    let owner = &staff[0];
    let settings = json!({"slot_minutes": 30});
    let url = server.url("/api/v1/team/settings");
    expect(
        owner.command(reqwest::Method::PUT, url, &settings),
        StatusCode::OK,
    )
    .await?;

    let sections = json!({"quotes": true, "invoices": true, "files": true,
                          "meetings": true, "messages": true});
    let mut ids = Vec::with_capacity(CLIENTS);
    for i in 0..CLIENTS {
        let email = format!("client{i}@bench.test");
        let client = json!({"name": format!("Client {i}"), "emails": [email]});
        let url = server.url("/api/v1/clients");
        let created = expect(
            owner.command(reqwest::Method::POST, url, &client),
            StatusCode::CREATED,
        )
        .await?;
        let id = text(&created["client_id"], "client_id")?;
        let invite = json!({"email": email, "sections": sections});
        let url = server.url(&format!("/api/v1/clients/{id}/portal/invite"));
        expect(
            owner.command(reqwest::Method::POST, url, &invite),
            StatusCode::OK,
        )
        .await?;
        ids.push((id, email));
    }

    let quote = json!({"title": "Bathroom refit", "currency": "GBP", "lines": [
        {"description": "Fit the new suite", "quantity": "1", "unit_price": "1450.00",
         "tax_rate": "20", "optional": false, "selected": true},
        {"description": "Heated towel rail", "quantity": "1", "unit_price": "185.50",
         "tax_rate": "20", "optional": true, "selected": false}]});
    let mut clients = Vec::with_capacity(CLIENTS);
    let mut quote_view = bytes::Bytes::new();
    for (id, email) in &ids {
        let token = server.invite_token(email).await?;
        let body = json!({"token": token, "password": PASSWORD});
        expect(
            http.post(server.url("/api/v1/auth/portal/set-password"))
                .json(&body),
            StatusCode::OK,
        )
        .await?;
        let session = Session::login(server, "portal", email).await?;
        let url = server.url(&format!("/api/v1/clients/{id}/quotes"));
        let drafted = expect(
            owner.command(reqwest::Method::POST, url, &quote),
            StatusCode::CREATED,
        )
        .await?;
        let quote_id = text(&drafted["quote_id"], "quote_id")?;
        let url = server.url(&format!("/api/v1/quotes/{quote_id}/send"));
        let sent = expect(
            owner.command(reqwest::Method::POST, url, &json!({})),
            StatusCode::OK,
        )
        .await?;
        let position = sent["position"]
            .as_u64()
            .ok_or("a send answered no position")?;
        let response = session
            .http
            .get(server.url(&format!("/api/v1/portal/quotes/{quote_id}")))
            .header("X-Min-Position", position.to_string())
            .send()
            .await?
            .error_for_status()?;
        quote_view = response.bytes().await?;
        let view: Value = serde_json::from_slice(&quote_view)?;
        clients.push(PortalClient {
            line: text(&view["lines"][1]["line_id"], "the optional line's id")?,
            quote: quote_id,
            session,
            selected: AtomicBool::new(false),
            slot: String::new(),
        });
    }

    let slots = free_slots(server, &clients[0].session).await?;
    if slots.len() < CLIENTS {
        return Err(format!("only {} free slots more than a day ahead", slots.len()).into());
    }
    for (client, slot) in clients.iter_mut().zip(slots) {
        client.slot = slot;
    }
    Ok(Seeded {
        base: server.base.clone(),
        clients,
        staff,
        quote_view,
    })
}

/// The free slots that start more than 26 hours from now (a meeting can be
/// cancelled until 24 hours before it).
async fn free_slots(server: &Server, session: &Session) -> Result<Vec<String>> {
    let answer = session
        .http
        .get(server.url("/api/v1/portal/meetings/slots"))
        .send()
        .await?
        .error_for_status()?
        .json::<Value>()
        .await?;
    let earliest = jiff::Timestamp::now().checked_add(jiff::SignedDuration::from_hours(26))?;
    let mut slots = Vec::new();
    for slot in answer["slots"].as_array().ok_or("no slots in the answer")? {
        let starts_at = text(&slot["starts_at"], "starts_at")?;
        if starts_at.parse::<jiff::Timestamp>()? > earliest {
            slots.push(starts_at);
        }
    }
    Ok(slots)
}

/// The GET ceiling: an axum router in this process answering a constant body.
struct Ceiling {
    url: String,
}

impl Ceiling {
    async fn start(body: bytes::Bytes) -> Result<Ceiling> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/quote", listener.local_addr()?);
        let app = axum::Router::new().route(
            "/quote",
            axum::routing::get(move || {
                let body = body.clone();
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        body,
                    )
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Ceiling { url })
    }
}

/// The write ceiling: an axum router in this process inserting each
/// request's bytes into a bare table, group-committed.
struct WriteCeiling {
    url: String,
}

/// An insert waiting for its transaction, and who to tell.
type Insert = (bytes::Bytes, tokio::sync::oneshot::Sender<()>);

impl WriteCeiling {
    /// On PostgreSQL at `database`, else on a SQLite file at `sqlite`.
    async fn start(database: Option<&str>, sqlite: &Path) -> Result<WriteCeiling> {
        sqlx::any::install_default_drivers();
        let (url, table) = match database {
            Some(url) => (
                url.to_owned(),
                "CREATE TABLE raw_events (payload BYTEA NOT NULL)",
            ),
            None => (
                format!("sqlite://{}?mode=rwc", sqlite.display()),
                "CREATE TABLE raw_events (payload BLOB NOT NULL)",
            ),
        };
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    if conn.backend_name() == "SQLite" {
                        use sqlx::Executor;
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        sqlx::query(table).execute(&pool).await?;
        let (inserts, mut waiting) = tokio::sync::mpsc::channel::<Insert>(4096);
        tokio::spawn(async move {
            let mut batch = Vec::new();
            while waiting.recv_many(&mut batch, 1024).await > 0 {
                let committed = async {
                    let mut tx = pool.begin().await?;
                    for (payload, _) in &batch {
                        sqlx::query("INSERT INTO raw_events (payload) VALUES ($1)")
                            .bind(payload.to_vec())
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await
                }
                .await;
                for (_, done) in batch.drain(..) {
                    if committed.is_ok() {
                        let _ = done.send(());
                    }
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/events", listener.local_addr()?);
        let app = axum::Router::new().route(
            "/events",
            axum::routing::post(move |payload: bytes::Bytes| {
                let inserts = inserts.clone();
                async move {
                    let (done, committed) = tokio::sync::oneshot::channel();
                    if inserts.send((payload, done)).await.is_err() || committed.await.is_err() {
                        return axum::http::StatusCode::SERVICE_UNAVAILABLE;
                    }
                    axum::http::StatusCode::NO_CONTENT
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(WriteCeiling { url })
    }
}

/// The bytes the write ceiling stores per request: about one stored
/// message-posted event with its envelope.
const EVENT_BYTES: usize = 320;

#[derive(Clone)]
enum Workload {
    Ceiling(String),
    Writes(String),
    Toggle,
    Message,
    /// A message post carrying a fresh Idempotency-Key, as the web portal
    /// sends every POST.
    KeyedMessage,
    BookCancel,
    QuoteView,
    Inbox,
}

impl Workload {
    fn name(&self) -> &'static str {
        match self {
            Workload::Ceiling(_) => "GET ceiling (axum, constant body)",
            Workload::Writes(_) => "write ceiling (axum, group-committed inserts)",
            Workload::Toggle => "portal line toggle (PUT)",
            Workload::Message => "portal message post",
            Workload::KeyedMessage => "portal message post with Idempotency-Key",
            Workload::BookCancel => "portal booking + cancel",
            Workload::QuoteView => "portal quote view (GET)",
            Workload::Inbox => "staff inbox (GET)",
        }
    }

    /// Whether it changes state (and is compared with the write ceiling).
    fn is_write(&self) -> bool {
        matches!(
            self,
            Workload::Writes(_)
                | Workload::Toggle
                | Workload::Message
                | Workload::KeyedMessage
                | Workload::BookCancel
        )
    }

    /// The `n`th request of client `i` for a workload of one request per
    /// iteration (not a line toggle, which depends on the last answer, nor
    /// a booking, which is followed by its cancellation).
    fn request(&self, seeded: &Seeded, i: usize, n: u64) -> Result<RequestBuilder> {
        let client = &seeded.clients[i];
        let session = &client.session;
        let url = |path: &str| format!("{}{path}", seeded.base);
        Ok(match self {
            Workload::Ceiling(ceiling) => session.http.get(ceiling),
            Workload::Writes(writes) => session.http.post(writes).body(vec![b'e'; EVENT_BYTES]),
            Workload::Message | Workload::KeyedMessage => {
                let body = json!({"text": format!("Message {n} about the refit")});
                let post =
                    session.command(reqwest::Method::POST, url("/api/v1/portal/messages"), &body);
                if matches!(self, Workload::KeyedMessage) {
                    post.header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                } else {
                    post
                }
            }
            Workload::QuoteView => session
                .http
                .get(url(&format!("/api/v1/portal/quotes/{}", client.quote))),
            Workload::Inbox => seeded.staff[i].http.get(url("/api/v1/inbox")),
            Workload::Toggle | Workload::BookCancel => {
                return Err(format!("{} takes more than one request", self.name()).into());
            }
        })
    }

    /// One iteration of worker `i`: one request, or two for a booking and
    /// its cancellation.
    async fn step(&self, seeded: &Seeded, i: usize, n: u64, figures: &mut Figures) -> Result<()> {
        let client = &seeded.clients[i];
        let session = &client.session;
        let url = |path: String| format!("{}{path}", seeded.base);
        match self {
            Workload::Toggle => {
                let selected = !client.selected.load(Ordering::Relaxed);
                let path = format!(
                    "/api/v1/portal/quotes/{}/lines/{}",
                    client.quote, client.line
                );
                let body = json!({"selected": selected});
                let request = session.command(reqwest::Method::PUT, url(path), &body);
                if figures.send(request).await.is_some() {
                    client.selected.store(selected, Ordering::Relaxed);
                }
            }
            Workload::BookCancel => {
                let body = json!({"starts_at": client.slot});
                let path = "/api/v1/portal/meetings".to_owned();
                let request = session.command(reqwest::Method::POST, url(path), &body);
                let booked = figures.send(request).await;
                let appointment = booked
                    .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                    .and_then(|b| b["appointment_id"].as_str().map(str::to_owned));
                if let Some(appointment) = appointment {
                    let path = format!("/api/v1/portal/meetings/{appointment}/cancel");
                    figures
                        .send(session.command(reqwest::Method::POST, url(path), &json!({})))
                        .await;
                }
            }
            _ => {
                figures.send(self.request(seeded, i, n)?).await;
            }
        }
        Ok(())
    }
}

/// What one cell measured.
struct Figures {
    /// Latency of every answered request, in microseconds.
    latency: Histogram<u64>,
    requests: u64,
    /// Answers other than 2xx, by status.
    non_2xx: BTreeMap<u16, u64>,
    server_errors: u64,
    /// Requests with no answer (connection refused, reset, ...).
    no_answer: u64,
    elapsed: Duration,
}

impl Figures {
    fn new() -> Result<Figures> {
        Ok(Figures {
            latency: Histogram::new_with_bounds(1, 60_000_000, 3)?,
            requests: 0,
            non_2xx: BTreeMap::new(),
            server_errors: 0,
            no_answer: 0,
            elapsed: Duration::ZERO,
        })
    }

    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency and error columns of a row.
    fn columns(&self) -> String {
        let ms = |micros: u64| micros as f64 / 1000.0;
        let non_2xx: u64 = self.non_2xx.values().sum();
        let statuses: Vec<String> = self
            .non_2xx
            .iter()
            .map(|(s, n)| format!("{s}: {n}"))
            .collect();
        let non_2xx = if statuses.is_empty() {
            "0".to_owned()
        } else {
            format!("{non_2xx} ({})", statuses.join(", "))
        };
        format!(
            "{:.2} | {:.2} | {:.2} | {non_2xx} | {} | {}",
            ms(self.latency.value_at_quantile(0.5)),
            ms(self.latency.value_at_quantile(0.99)),
            ms(self.latency.max()),
            self.server_errors,
            self.no_answer,
        )
    }

    /// Sends a request, timing it to the end of its body: the body when
    /// answered 2xx.
    async fn send(&mut self, request: RequestBuilder) -> Option<bytes::Bytes> {
        let started = Instant::now();
        let answer = answer(request).await;
        self.record(started, answer)
    }

    /// Counts a request due at `due` and its answer: the body when 2xx.
    fn record(
        &mut self,
        due: Instant,
        answer: Option<(StatusCode, bytes::Bytes)>,
    ) -> Option<bytes::Bytes> {
        self.requests += 1;
        let Some((status, body)) = answer else {
            self.no_answer += 1;
            return None;
        };
        let micros = u64::try_from(due.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.latency.saturating_record(micros);
        if status.is_server_error() {
            self.server_errors += 1;
        }
        if status.is_success() {
            Some(body)
        } else {
            *self.non_2xx.entry(status.as_u16()).or_default() += 1;
            None
        }
    }

    fn merge(&mut self, other: &Figures) -> Result<()> {
        self.latency.add(&other.latency)?;
        self.requests += other.requests;
        for (status, n) in &other.non_2xx {
            *self.non_2xx.entry(*status).or_default() += n;
        }
        self.server_errors += other.server_errors;
        self.no_answer += other.no_answer;
        Ok(())
    }
}

/// Sends a request and reads its whole body: its status and body, or `None`
/// when there was no answer.
async fn answer(request: RequestBuilder) -> Option<(StatusCode, bytes::Bytes)> {
    let response = request.send().await.ok()?;
    let status = response.status();
    response.bytes().await.ok().map(|body| (status, body))
}

/// Requests in flight at most in an open-loop cell; a request due while
/// that many wait is sent late, and its lateness counts in its latency.
const OPEN_LOOP_IN_FLIGHT: usize = 512;

/// Offers `workload` at `rate` requests/s for `cell`, round-robin over the
/// clients, whatever the answers' pace.
async fn drive_open(
    seeded: &Arc<Seeded>,
    workload: &Workload,
    rate: u32,
    cell: Duration,
) -> Result<Figures> {
    let figures = Arc::new(std::sync::Mutex::new(Figures::new()?));
    let in_flight = Arc::new(tokio::sync::Semaphore::new(OPEN_LOOP_IN_FLIGHT));
    let total = (cell.as_secs_f64() * f64::from(rate)) as u64;
    let started = Instant::now();
    let mut requests = tokio::task::JoinSet::new();
    for n in 0..total {
        let due = started + Duration::from_secs_f64(n as f64 / f64::from(rate));
        tokio::time::sleep_until(due.into()).await;
        let permit = in_flight.clone().acquire_owned().await?;
        let i = usize::try_from(n)? % CLIENTS;
        let request = workload.request(seeded, i, n)?;
        let figures = figures.clone();
        requests.spawn(async move {
            let answer = answer(request).await;
            drop(permit);
            if let Ok(mut figures) = figures.lock() {
                figures.record(due, answer);
            }
        });
    }
    requests.join_all().await;
    let mut figures = Arc::try_unwrap(figures)
        .map_err(|_| "open-loop requests still running")?
        .into_inner()
        .map_err(|_| "an open-loop request panicked")?;
    figures.elapsed = started.elapsed();
    Ok(figures)
}

/// Runs `workload` with `c` closed-loop workers for `cell`.
async fn drive(
    seeded: &Arc<Seeded>,
    workload: Workload,
    c: usize,
    cell: Duration,
) -> Result<Figures> {
    let started = Instant::now();
    let deadline = started + cell;
    let mut workers = Vec::with_capacity(c);
    for i in 0..c {
        let seeded = seeded.clone();
        let workload = workload.clone();
        workers.push(tokio::spawn(async move {
            let mut figures = Figures::new()?;
            let mut n = 0;
            while Instant::now() < deadline {
                workload.step(&seeded, i, n, &mut figures).await?;
                n += 1;
            }
            Ok::<_, Error>(figures)
        }));
    }
    let mut total = Figures::new()?;
    for worker in workers {
        total.merge(&worker.await??)?;
    }
    total.elapsed = started.elapsed();
    Ok(total)
}
