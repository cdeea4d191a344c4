//! The processes under test: real `cma` binaries, SIGKILLed and restarted.

use crate::check::{self, Report};
use crate::load::{self, Ledger, Rng};
use cma_testkit::smtp::Smtp;
use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

pub const SECRET: &str = "a fault-test deployment key";
const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/test";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Two api, two projector and two worker processes on PostgreSQL.
    Postgres,
    /// One `cma serve` on the embedded SQLite default.
    Embedded,
}

/// One `cma serve` process, restartable on the same port and data.
pub struct Proc {
    pub name: String,
    pub roles: &'static str,
    pub port: u16,
    data_dir: PathBuf,
    log: PathBuf,
    database_url: Option<String>,
    smtp_url: String,
    child: Option<Child>,
    pub restarts: u32,
}

impl Proc {
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    fn spawn(&mut self) {
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        let mut command = Command::new(env!("CARGO_BIN_EXE_cma"));
        command
            .arg("serve")
            .args(["--roles", self.roles])
            .args(["--listen", &format!("127.0.0.1:{}", self.port)])
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(["--secret-key", SECRET])
            .args(["--smtp-url", &self.smtp_url])
            .env(
                "RUST_LOG",
                std::env::var("CMA_FAULTS_RUST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log);
        if let Some(url) = &self.database_url {
            command.args(["--database-url", url]);
        }
        self.child = Some(command.spawn().expect("start cma"));
    }

    /// SIGKILL, and reap it.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Whether it exited by itself (it should never).
    pub fn exited(&mut self) -> Option<String> {
        let child = self.child.as_mut()?;
        match child.try_wait() {
            Ok(Some(status)) => {
                self.child = None;
                Some(format!("{} exited by itself: {status}", self.name))
            }
            _ => None,
        }
    }

    /// The last lines it logged.
    pub fn tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A free loopback port.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port()
}

pub async fn admin(sql: &str) -> u64 {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(PG_ADMIN)
        .await
        .expect("PostgreSQL must be reachable at 127.0.0.1:5432 (user postgres, database test)");
    let done = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_all(&mut conn)
        .await
        .expect("an admin statement");
    let _closed = conn.close().await;
    done.len() as u64
}

pub struct Cluster {
    pub mode: Mode,
    pub procs: Vec<Arc<Mutex<Proc>>>,
    pub smtp: Smtp,
    /// `postgres://...` of the database, without an application name.
    pub database: Option<(String, String)>,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
    /// A connection of the test's own, opened before any process, so that
    /// it is there when the processes use every connection the server has.
    admin: Mutex<Option<sqlx::AnyConnection>>,
    /// The checks' connections to the read models, likewise opened first
    /// (spared by the termination of backends).
    pub read: sqlx::AnyPool,
}

/// The application name of the test's own connections to its database.
const CHECKS: &str = "cma-faults-checks";

/// What the fault injector did.
#[derive(Default, Debug, Clone)]
pub struct Faults {
    /// (process name, role, when since the load began).
    pub kills: Vec<(String, &'static str, Duration)>,
    pub restarts: u32,
    pub terminated_backends: u64,
    pub terminated_at: Option<Duration>,
    /// Processes that exited without being killed.
    pub unexpected_exits: Vec<String>,
    /// Processes that did not answer /healthz again within 30 s of a restart.
    pub slow_restarts: Vec<String>,
    /// The most connections to the test's database seen at once.
    pub peak_connections: i64,
    /// The most connections one process of each role held.
    pub peak_by_role: BTreeMap<&'static str, i64>,
}

impl Cluster {
    pub async fn start(mode: Mode) -> Cluster {
        let smtp = Smtp::start();
        let keep = std::env::var("CMA_FAULTS_KEEP").is_ok();
        let dir = tempfile::Builder::new()
            .disable_cleanup(keep)
            .tempdir()
            .expect("temp dir");
        if keep {
            eprintln!("{mode:?}: data and logs kept in {}", dir.path().display());
        }
        let database = match mode {
            Mode::Postgres => {
                let name = format!("cma_faults_{}", uuid::Uuid::new_v4().simple());
                admin(&format!("CREATE DATABASE {name}")).await;
                Some((format!("postgres://postgres@127.0.0.1:5432/{name}"), name))
            }
            Mode::Embedded => None,
        };
        // Two of each role need about 140 connections at peak (a
        // projector process up to 34, an API 19, a worker 15): more than
        // the 100 of PostgreSQL's default max_connections. The default
        // layout fits in 100; CMA_FAULTS_LAYOUT=full runs two of each.
        let full = std::env::var("CMA_FAULTS_LAYOUT").is_ok_and(|l| l == "full");
        let layout: &[(&str, &'static str)] = match mode {
            Mode::Postgres if full => &[
                ("api-1", "api"),
                ("api-2", "api"),
                ("projector-1", "projector"),
                ("projector-2", "projector"),
                ("worker-1", "worker"),
                ("worker-2", "worker"),
            ],
            Mode::Postgres => &[
                ("api-1", "api"),
                ("api-2", "api"),
                ("projector-1", "projector"),
                ("worker-1", "worker"),
            ],
            Mode::Embedded => &[("serve", "api,projector,worker")],
        };
        let admin = match mode {
            Mode::Postgres => {
                use sqlx::Connection;
                Some(
                    sqlx::AnyConnection::connect(PG_ADMIN)
                        .await
                        .expect("PostgreSQL at 127.0.0.1:5432"),
                )
            }
            Mode::Embedded => None,
        };
        // On PostgreSQL before any process, so that the processes cannot
        // take every connection first; SQLite's file once the server made it.
        let read = match &database {
            Some((url, _)) => Some(read_pool(&format!("{url}?application_name={CHECKS}")).await),
            None => None,
        };
        let mut procs = Vec::new();
        for (name, roles) in layout {
            let data_dir = dir.path().join(name);
            std::fs::create_dir_all(&data_dir).expect("data dir");
            let mut proc = Proc {
                name: (*name).to_owned(),
                roles,
                port: free_port(),
                log: dir.path().join(format!("{name}.log")),
                data_dir,
                database_url: database.as_ref().map(|(url, _)| url.clone()),
                smtp_url: smtp.url(),
                child: None,
                restarts: 0,
            };
            proc.spawn();
            procs.push(Arc::new(Mutex::new(proc)));
            // The first process migrates; the others start after it.
            if procs.len() == 1 {
                let base = procs[0].lock().await.base();
                wait_healthy(&reqwest::Client::new(), &base, Duration::from_secs(60)).await;
            }
        }
        let read = match read {
            Some(read) => read,
            None => {
                let path = dir.path().join("serve").join("read.db");
                read_pool(&format!("sqlite://{}?mode=ro", path.display())).await
            }
        };
        let cluster = Cluster {
            mode,
            procs,
            smtp,
            database,
            dir,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .expect("client"),
            admin: Mutex::new(admin),
            read,
        };
        for proc in &cluster.procs {
            let base = proc.lock().await.base();
            assert!(
                wait_healthy(&cluster.http, &base, Duration::from_secs(60)).await,
                "{} did not start:\n{}",
                proc.lock().await.name,
                proc.lock().await.tail(30)
            );
        }
        cluster
    }

    /// The API processes' addresses.
    pub async fn api_bases(&self) -> Vec<String> {
        let mut bases = Vec::new();
        for proc in &self.procs {
            let proc = proc.lock().await;
            if proc.roles.contains("api") {
                bases.push(proc.base());
            }
        }
        bases
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("serve")
    }

    /// Sets up, loads for `duration` under faults, and checks.
    pub async fn run(self, duration: Duration) -> Report {
        let clients = match self.mode {
            Mode::Postgres => 8,
            Mode::Embedded => 6,
        };
        let setup = load::setup(&self, clients).await;
        let cluster = self;
        let ledger = Arc::new(Ledger::default());
        let stop = Arc::new(AtomicBool::new(false));
        let began = Instant::now();
        let seed = load::seed();
        let loads = load::start(&setup, ledger.clone(), stop.clone(), seed);
        let cluster = Arc::new(cluster);
        let faults = {
            let cluster = cluster.clone();
            let stop = stop.clone();
            tokio::spawn(async move { cluster.inject(stop, began, duration, seed).await })
        };
        tokio::time::sleep(duration).await;
        stop.store(true, Ordering::SeqCst);
        for task in loads {
            task.await.expect("a load task");
        }
        let load_time = began.elapsed();
        let mut faults = faults.await.expect("the fault injector");
        let cluster = Arc::into_inner(cluster).expect("the only handle");
        // Anyone that went away by itself counts, and is brought back so
        // that the checks can go on.
        for proc in &cluster.procs {
            let mut proc = proc.lock().await;
            if let Some(exit) = proc.exited() {
                faults.unexpected_exits.push(exit);
                proc.spawn();
            }
        }
        check::check(cluster, setup, &ledger, faults, load_time, seed).await
    }

    /// Every few seconds SIGKILLs a process (each in turn, in a shuffled
    /// order) and restarts it; on PostgreSQL, once, terminates every backend
    /// of the database.
    async fn inject(
        &self,
        stop: Arc<AtomicBool>,
        began: Instant,
        duration: Duration,
        seed: u64,
    ) -> Faults {
        let mut rng = Rng(seed ^ 0x5eed);
        let mut faults = Faults::default();
        let every = match self.mode {
            Mode::Postgres => Duration::from_millis(2500),
            Mode::Embedded => Duration::from_millis(3000),
        };
        let terminate_at = duration / 2;
        let mut deck: Vec<usize> = Vec::new();
        while !stop.load(Ordering::SeqCst) {
            let pause = every / 2 + Duration::from_millis(rng.below(every.as_millis() as u64));
            let until = Instant::now() + pause;
            while Instant::now() < until {
                self.sample(&mut faults).await;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            if stop.load(Ordering::SeqCst)
                || began.elapsed() + Duration::from_millis(500) > duration
            {
                break;
            }
            if self.mode == Mode::Postgres
                && faults.terminated_at.is_none()
                && began.elapsed() >= terminate_at
            {
                faults.terminated_backends = self.terminate_backends().await;
                faults.terminated_at = Some(began.elapsed());
                continue;
            }
            if deck.is_empty() {
                deck = (0..self.procs.len()).collect();
                for i in (1..deck.len()).rev() {
                    deck.swap(i, rng.below(i as u64 + 1) as usize);
                }
            }
            let victim = deck.pop().expect("a process");
            let base = {
                let mut proc = self.procs[victim].lock().await;
                if let Some(exit) = proc.exited() {
                    faults.unexpected_exits.push(exit);
                }
                proc.kill();
                faults
                    .kills
                    .push((proc.name.clone(), proc.roles, began.elapsed()));
                tokio::time::sleep(Duration::from_millis(100 + rng.below(400))).await;
                proc.spawn();
                proc.restarts += 1;
                faults.restarts += 1;
                proc.base()
            };
            if !wait_healthy(&self.http, &base, Duration::from_secs(30)).await {
                let proc = self.procs[victim].lock().await;
                faults
                    .slow_restarts
                    .push(format!("{}:\n{}", proc.name, proc.tail(20)));
            }
        }
        faults
    }

    /// Terminates every backend of the test's database: the processes must
    /// reconnect by themselves.
    async fn terminate_backends(&self) -> u64 {
        let Some((_, name)) = &self.database else {
            return 0;
        };
        let mut admin = self.admin.lock().await;
        let conn = admin.as_mut().expect("the admin connection");
        let terminated: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name <> $2",
        )
        .bind(name.clone())
        .bind(CHECKS)
        .fetch_all(conn)
        .await
        .expect("pg_terminate_backend");
        terminated.len() as u64
    }

    /// Connections to the test's database now, in all and by process
    /// (`cma-{pid}-...` application names).
    pub async fn connections(&self) -> (i64, BTreeMap<u32, i64>) {
        let Some((_, name)) = &self.database else {
            return (0, BTreeMap::new());
        };
        let mut admin = self.admin.lock().await;
        let conn = admin.as_mut().expect("the admin connection");
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT COALESCE(application_name, ''), COUNT(*) FROM pg_stat_activity \
             WHERE datname = $1 GROUP BY 1",
        )
        .bind(name.clone())
        .fetch_all(conn)
        .await
        .unwrap_or_default();
        let mut by_pid = BTreeMap::new();
        for (app, n) in &rows {
            if let Some(pid) = app
                .strip_prefix("cma-")
                .and_then(|rest| rest.split('-').next())
                .and_then(|pid| pid.parse::<u32>().ok())
            {
                *by_pid.entry(pid).or_default() += n;
            }
        }
        (rows.iter().map(|(_, n)| n).sum(), by_pid)
    }

    /// Samples the connections: the most at once, and the most each role's
    /// process held.
    async fn sample(&self, faults: &mut Faults) {
        let (all, by_pid) = self.connections().await;
        faults.peak_connections = faults.peak_connections.max(all);
        for proc in &self.procs {
            let proc = proc.lock().await;
            if let Some(n) = proc.pid().and_then(|pid| by_pid.get(&pid)) {
                let most = faults.peak_by_role.entry(proc.roles).or_default();
                *most = (*most).max(*n);
            }
        }
    }

    pub async fn drop_database(&self) {
        if let Some(conn) = self.admin.lock().await.take() {
            use sqlx::Connection;
            let _closed = conn.close().await;
        }
        if let Some((_, name)) = &self.database {
            admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

async fn read_pool(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new()
        .min_connections(2)
        .max_connections(2)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect(url)
        .await
        .expect("the read database")
}

/// Waits for `GET /healthz` to answer 200.
pub async fn wait_healthy(http: &reqwest::Client, base: &str, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}
