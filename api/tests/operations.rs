//! Scale-out and operations: several processes on one PostgreSQL database
//! (uploads readable by every process, roles with the projector elsewhere),
//! and `cma backup` / `cma restore` of the embedded default under load.
//! Real servers on random ports, real SQLite files, the real PostgreSQL at
//! 127.0.0.1:5432 (each test on a database of its own).

#[path = "http/support.rs"]
#[allow(dead_code)]
mod support;

use clap::Parser;
use cma_api::app::AppState;
use cma_api::cli::Cli;
use cma_api::config::Config;
use cma_api::roles::Roles;
use cma_projections::rebuild::{Silent, rebuild};
use cma_projections::{Projections, ReadDb, RunnerConfig};
use cma_store::EventStore;
use cma_store::sqlite::SqliteStore;
use cma_testkit::dump::dump;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Connection;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use support::{PASSWORD, credentials, read, team, text};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/test";

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    config: Config,
}

/// A fresh PostgreSQL database for one test.
struct PgDatabase {
    url: String,
    name: String,
}

async fn admin(sql: &str) {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(PG_ADMIN)
        .await
        .expect("PostgreSQL must be reachable at 127.0.0.1:5432 (user postgres, database test)");
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut conn)
        .await
        .expect("an admin statement");
    let _closed = conn.close().await;
}

impl PgDatabase {
    /// A new database, with the test's logs shown.
    async fn create() -> Self {
        logs();
        let name = format!("cma_t_{}", uuid::Uuid::new_v4().simple());
        admin(&format!("CREATE DATABASE {name}")).await;
        Self {
            url: format!("postgres://postgres@127.0.0.1:5432/{name}"),
            name,
        }
    }

    async fn drop_database(self) {
        admin(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .await;
    }

    /// Stops the processes on this database, then drops it.
    async fn drop_after(self, processes: impl IntoIterator<Item = Process>) {
        for process in processes {
            process.stop().await;
        }
        self.drop_database().await;
    }
}

/// One `cma serve` process, in this test's runtime.
struct Process {
    base: String,
    http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    /// The data directory, when the process made its own.
    dir: Option<tempfile::TempDir>,
}

impl Process {
    /// Serves `roles` over `data_dir` (and the database at `database_url`).
    async fn start(data_dir: &Path, database_url: Option<&str>, roles: Roles) -> Process {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let listen = listener.local_addr().expect("address").to_string();
        let data_dir = data_dir.display().to_string();
        let mut args = vec!["cma", "--listen", &listen, "--data-dir", &data_dir];
        if let Some(url) = database_url {
            args.extend(["--database-url", url]);
        }
        let config = Args::try_parse_from(args).expect("configuration").config;
        roles.check(&config).expect("roles that work here");
        let config = cma_api::roles::name_sessions(config);
        let state = AppState::open(config, roles).await.expect("stores");
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(async move {
            let served = cma_api::serve::run_roles(state.clone(), Some(listener), async {
                let _ = stopped.await;
            })
            .await;
            state.close().await;
            served
        });
        let process = Process {
            base: format!("http://{listen}"),
            http: reqwest::Client::new(),
            stop: Some(stop),
            task: Some(task),
            dir: None,
        };
        for _ in 0..200 {
            if let Ok(r) = process.http.get(process.url("/healthz")).send().await
                && r.status().is_success()
            {
                return process;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the server did not start");
    }

    /// Serves `roles` on `database`, over a data directory of its own.
    async fn on(database: &PgDatabase, roles: &str) -> Process {
        let dir = tempfile::tempdir().expect("dir");
        let roles = roles.parse().expect("roles");
        let mut process = Process::start(dir.path(), Some(&database.url), roles).await;
        process.dir = Some(dir);
        process
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let served = task.await.expect("server task");
            assert!(served.is_ok(), "{served:?}");
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        read(request.send().await.expect("response")).await
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let mut request = self.http.post(self.url(path)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    /// A read that waits for the read models to reach `position`.
    async fn get_at(&self, path: &str, token: &str, position: u64) -> (StatusCode, Value) {
        let request = self
            .http
            .get(self.url(path))
            .bearer_auth(token)
            .header("X-Min-Position", position.to_string());
        self.send(request).await
    }

    async fn readiness(&self) -> Value {
        let (status, body) = self.send(self.http.get(self.url("/readyz"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Signs up a team and logs its owner in: the staff token.
    async fn signup(&self, email: &str) -> String {
        let (status, body) = self.post("/api/v1/teams", None, team(email)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        self.login(email).await
    }

    /// Logs the staff member at `email` in: the staff token.
    async fn login(&self, email: &str) -> String {
        let login = credentials(email, PASSWORD);
        let (status, body) = self.post("/api/v1/auth/staff/login", None, login).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        text(&body["token"])
    }

    /// Creates a client: its id and the command's position.
    async fn client(&self, token: &str, name: &str) -> (String, u64) {
        let (status, body) = self
            .post(
                "/api/v1/clients",
                Some(token),
                json!({"name": name, "emails": [format!("{}@home.example", name.to_lowercase())]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (
            body["client_id"].as_str().expect("client id").to_owned(),
            body["position"].as_u64().expect("position"),
        )
    }

    /// Creates a client and reads it back once the read models have it.
    async fn client_read_back(&self, token: &str, name: &str) {
        let (client, position) = self.client(token, name).await;
        let path = format!("/api/v1/clients/{client}");
        let (status, body) = self.get_at(&path, token, position).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["name"], json!(name));
    }

    /// Uploads `bytes` as a client's file: its id and the command's position.
    async fn upload(&self, token: &str, client: &str, bytes: Vec<u8>) -> (String, u64) {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("report.pdf");
        let request = self
            .http
            .post(self.url(&format!("/api/v1/clients/{client}/files")))
            .bearer_auth(token)
            .multipart(reqwest::multipart::Form::new().part("file", part));
        let (status, body) = self.send(request).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (
            body["file_id"].as_str().expect("file id").to_owned(),
            body["position"].as_u64().expect("position"),
        )
    }

    /// The content of a file, read after `position`.
    async fn download(&self, token: &str, file: &str, position: u64) -> (StatusCode, Vec<u8>) {
        let response = self
            .http
            .get(self.url(&format!("/api/v1/files/{file}/content")))
            .bearer_auth(token)
            .header("X-Min-Position", position.to_string())
            .send()
            .await
            .expect("response");
        let status = response.status();
        (status, response.bytes().await.expect("body").to_vec())
    }
}

/// A PDF of `len` bytes that is not one repeated byte.
fn pdf(len: usize) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend((0..len.saturating_sub(pdf.len())).map(|i| b'a' + (i % 23) as u8));
    pdf
}

fn logs() {
    let _already = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("warn"))
        .with_test_writer()
        .try_init();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_uploaded_through_one_process_downloads_through_another() {
    let database = PgDatabase::create().await;
    let (dir_a, dir_b) = (
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    );
    let a = Process::start(dir_a.path(), Some(&database.url), Roles::ALL).await;
    let b = Process::start(
        dir_b.path(),
        Some(&database.url),
        "api".parse().expect("roles"),
    )
    .await;
    let token = a.signup("owner@sparks.example").await;
    let (client, _) = a.client(&token, "Pat").await;
    // Three chunks and a bit: written and read one chunk at a time.
    let content = pdf(3 * 1024 * 1024 + 12_345);
    let (file, position) = a.upload(&token, &client, content.clone()).await;

    let (status, bytes) = b.download(&token, &file, position).await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes == content, "the bytes differ");
    let (status, bytes) = a.download(&token, &file, position).await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes == content, "the bytes differ");
    // Kept in the database, not on either process's disk.
    for dir in [dir_a.path(), dir_b.path()] {
        let kept = std::fs::read_dir(dir.join("files"))
            .expect("files dir")
            .filter_map(Result::ok)
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .count();
        assert_eq!(kept, 0, "content on disk in {}", dir.display());
    }
    // The same content again is stored once, and still served.
    let (again, position) = b.upload(&token, &client, content.clone()).await;
    let (status, bytes) = a.download(&token, &again, position).await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes == content, "the bytes differ");
    assert_eq!(b.readiness().await["files"], json!(true));
    database.drop_after([a, b]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_process_serves_what_the_projector_process_projects() {
    let database = PgDatabase::create().await;
    let api = Process::on(&database, "api").await;
    let back = Process::on(&database, "projector,worker").await;

    let token = api.signup("owner@sparks.example").await;
    api.client_read_back(&token, "Pat").await;

    // The API process serves no projector nor worker; the other process
    // runs both (it holds every lease), and serves no API.
    let ready = api.readiness().await;
    assert_eq!(ready["roles"], json!(["api"]), "{ready}");
    assert_eq!(ready["api"]["ready"], json!(true), "{ready}");
    assert!(ready.get("projector").is_none() && ready.get("worker").is_none());
    let mut ready = back.readiness().await;
    for _ in 0..100 {
        if ready["projector"]["state"] == json!("active")
            && ready["worker"]["state"] == json!("active")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        ready = back.readiness().await;
    }
    assert_eq!(ready["roles"], json!(["projector", "worker"]), "{ready}");
    assert_eq!(ready["projector"]["state"], json!("active"), "{ready}");
    assert_eq!(ready["worker"]["state"], json!("active"), "{ready}");
    assert!(ready.get("api").is_none());
    // Each follower says how far behind the log it is; the worker here
    // catches up with the two commands above.
    let head = ready["event_log_head"].as_u64().expect("the log's head");
    for _ in 0..100 {
        if ready["worker"]["lag"] == json!(0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        ready = back.readiness().await;
    }
    assert_eq!(ready["worker"]["lag"], json!(0), "{ready}");
    for follower in ready["worker"]["followers"].as_array().expect("followers") {
        assert_eq!(follower["lag"], json!(0), "{ready}");
        assert!(
            follower["checkpoint"].as_u64().is_some_and(|c| c >= head),
            "{ready}"
        );
    }
    let (status, _) = back
        .send(
            back.http
                .get(back.url("/api/v1/clients"))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A standby: a second projector process stands by while the first runs.
    let standby = Process::on(&database, "projector,worker").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let ready = standby.readiness().await;
    assert_eq!(ready["projector"]["state"], json!("standby"), "{ready}");
    assert_eq!(ready["worker"]["state"], json!("standby"), "{ready}");
    assert_eq!(
        ready["worker"]["followers"][0]["holder"],
        json!("elsewhere")
    );

    // The first goes; the standby takes over, and the API still serves.
    back.stop().await;
    api.client_read_back(&token, "Lee").await;
    database.drop_after([api, standby]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_waits_for_the_projector_process_and_ends_once_it_has_caught_up() {
    let database = PgDatabase::create().await;
    let api = Process::on(&database, "api").await;
    let token = api.signup("owner@later.example").await;
    let (client, position) = api.client(&token, "Pat").await;
    let path = format!("/api/v1/clients/{client}");

    // No projector runs: after the 5 s cap, 503 and never stale data.
    let started = std::time::Instant::now();
    let (status, body) = api.get_at(&path, &token, position).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.ends_with("/not-caught-up")),
        "{body}"
    );
    assert!(started.elapsed() >= Duration::from_millis(4_500));

    // A wait under way ends once a projector process has caught up.
    let started = std::time::Instant::now();
    let (read, back) = tokio::join!(api.get_at(&path, &token, position), async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        Process::on(&database, "projector").await
    });
    let (status, body) = read;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], json!("Pat"));
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
    database.drop_after([api, back]).await;
}

/// Runs the `cma` command line with these arguments: an error is the
/// message `cma` prints for it.
async fn cma(args: &[&str]) -> Result<(), String> {
    let cli = Cli::try_parse_from(std::iter::once("cma").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    cma_api::cli::run(cli)
        .await
        .map_err(|e| cma_api::cli::error_message(&e))
}

#[tokio::test]
async fn role_subsets_are_refused_on_the_embedded_default() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().display().to_string();
    let refused = cma(&["serve", "--roles", "api", "--data-dir", &data]).await;
    let message = refused.expect_err("refused");
    assert!(message.contains("PostgreSQL"), "{message}");
    let refused = cma(&["worker", "--data-dir", &data]).await;
    assert!(refused.expect_err("refused").contains("CMA_DATABASE_URL"));
    let refused = cma(&["serve", "--roles", "api,web", "--data-dir", &data]).await;
    assert!(refused.expect_err("refused").contains("unknown role"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_load_restores_to_a_verified_log_and_matching_read_models() {
    logs();
    let data = tempfile::tempdir().expect("dir");
    let server = Arc::new(Process::start(data.path(), None, Roles::ALL).await);
    let token = server.signup("owner@sparks.example").await;
    let (client, _) = server.client(&token, "Pat").await;
    let content = pdf(200_000);
    let (file, _) = server.upload(&token, &client, content.clone()).await;

    // Appends go on while the backup is taken.
    let writing = Arc::new(AtomicBool::new(true));
    let load = {
        let (server, token, writing) = (server.clone(), token.clone(), writing.clone());
        tokio::spawn(async move {
            let mut n = 0u32;
            while writing.load(Ordering::SeqCst) {
                server.client(&token, &format!("Client{n}")).await;
                n += 1;
            }
            n
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let backups = tempfile::tempdir().expect("dir");
    let backup = backups.path().join("monday");
    let (source, dest) = (
        data.path().display().to_string(),
        backup.display().to_string(),
    );
    cma(&["backup", &dest, "--data-dir", &source])
        .await
        .expect("backup");
    tokio::time::sleep(Duration::from_millis(200)).await;
    writing.store(false, Ordering::SeqCst);
    let written = load.await.expect("load");
    assert!(written > 0, "no appends under way");

    // Plain errors for bad input.
    let refused = cma(&["backup", &dest, "--data-dir", &source]).await;
    assert!(refused.expect_err("refused").contains("not empty"));
    let nowhere = backups.path().join("nowhere").display().to_string();
    let refused = cma(&["backup", &dest, "--data-dir", &nowhere]).await;
    assert!(refused.expect_err("refused").contains("no event log"));
    let refused = cma(&["restore", &nowhere, "--data-dir", &nowhere]).await;
    assert!(refused.expect_err("refused").contains("not a folder"));
    let refused = cma(&["restore", &source, "--data-dir", &dest]).await;
    assert!(refused.expect_err("refused").contains("not empty"));

    let restored = tempfile::tempdir().expect("dir");
    let target = restored.path().join("data");
    let target_text = target.display().to_string();
    cma(&["restore", &dest, "--data-dir", &target_text])
        .await
        .expect("restore");
    let refused = cma(&["restore", &dest, "--data-dir", &target_text]).await;
    assert!(refused.expect_err("refused").contains("--force"));
    cma(&["restore", &dest, "--data-dir", &target_text, "--force"])
        .await
        .expect("restore over it");
    let server = Arc::into_inner(server).expect("the only handle");
    server.stop().await;

    // The key and the files came along; the hash chain verifies.
    assert_eq!(
        std::fs::read(target.join("secret.key")).expect("key"),
        std::fs::read(data.path().join("secret.key")).expect("key")
    );
    let config = Args::try_parse_from(["cma", "--data-dir", &target_text])
        .expect("configuration")
        .config;
    let verified = cma_api::audit::command::verify(&config, 0)
        .await
        .expect("the chain verifies");
    assert!(
        verified.events > u64::from(written / 4),
        "{} events",
        verified.events
    );
    cma(&["audit", "verify", "--data-dir", &target_text])
        .await
        .expect("cma audit verify");

    // The read models were copied no further than the log; caught up,
    // they equal a rebuild from the restored log.
    let store: Arc<dyn EventStore> = Arc::new(
        SqliteStore::open(&target.join("events.db"))
            .await
            .expect("event log"),
    );
    let read = ReadDb::open_sqlite(&target.join("read.db"))
        .await
        .expect("read db");
    read.migrate().await.expect("migrate");
    let head = store.head().await.expect("head");
    let names = cma_projections::views::names();
    let applied = cma_projections::readiness::processed(&read, &names)
        .await
        .expect("checkpoints");
    assert!(
        applied <= head,
        "read models at {applied} past the log at {head}"
    );
    let running = Projections::start(
        read.clone(),
        &cma_projections::tail::Tail::of(&store),
        cma_projections::views::all(),
        RunnerConfig::default(),
    );
    assert!(
        cma_projections::wait_for(&read, head, cma_projections::MAX_WAIT)
            .await
            .expect("wait"),
        "the projectors did not catch up"
    );
    running.stop().await;
    let projected = dump(&read).await;
    assert!(projected.values().any(|rows| !rows.is_empty()));
    let views = cma_projections::views::all();
    rebuild(store.clone(), &read, &views, &Silent)
        .await
        .expect("rebuild");
    assert_eq!(dump(&read).await, projected);
    read.close().await;
    store.close().await;

    // The restored portal serves the file uploaded before the backup.
    let again = Process::start(&target, None, Roles::ALL).await;
    let token = again.signup("second@sparks.example").await;
    drop(token);
    let token = again.login("owner@sparks.example").await;
    let (status, bytes) = again.download(&token, &file, head).await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes == content, "the bytes differ");
    again.stop().await;
}
