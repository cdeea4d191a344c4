//! The real `cma serve` process over its own data directory (embedded
//! SQLite, the `.eml` outbox), on a free loopback port, with the clock
//! started at a fixed instant.

use super::WAIT;
use super::email::Email;
use cma_testkit::program::{Program, free_port};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Monday 7 December 2026, 08:00 in London (UTC in winter): the clock of
/// [`Server::start`].
pub const NOW: &str = "2026-12-07T08:00:00Z";
/// The deployment key, so link tokens are the same from run to run.
const SECRET_KEY: &str = "an end-to-end test deployment key";

/// A running `cma serve`; killed when dropped.
pub struct Server {
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub base: String,
    /// `CMA_DATA_DIR`.
    pub data_dir: PathBuf,
    program: Program,
    _dir: TempDir,
}

impl Server {
    /// A server whose clock starts at [`NOW`].
    pub async fn start() -> Server {
        Self::start_at(NOW).await
    }

    /// A server whose clock starts at `now` (RFC 3339) and then runs forward.
    pub async fn start_at(now: &str) -> Server {
        Self::start_with(now, &[]).await
    }

    /// A server with more environment variables (`CMA_...`) set.
    pub async fn start_with(now: &str, env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let data_dir = dir.path().join("data");
        let port = free_port();
        let mut serve = Command::new(env!("CARGO_BIN_EXE_cma"));
        serve
            .arg("serve")
            .env("CMA_DATA_DIR", &data_dir)
            .env("CMA_LISTEN", format!("127.0.0.1:{port}"))
            .env("CMA_NOW", now)
            .env("CMA_SECRET_KEY", SECRET_KEY)
            .env("RUST_LOG", "info")
            .envs(env.iter().copied());
        let program = Program::start("`cma serve`", &mut serve, dir.path().join("cma.log"));
        let mut server = Server {
            base: format!("http://127.0.0.1:{port}"),
            data_dir,
            program,
            _dir: dir,
        };
        let (http, healthz) = (reqwest::Client::new(), server.url("/healthz"));
        let (within, every) = (Duration::from_secs(60), Duration::from_millis(50));
        server
            .program
            .wait_until(within, every, async || {
                let answer = http.get(&healthz).send().await;
                answer.is_ok_and(|r| r.status().is_success())
            })
            .await;
        server
    }

    /// The absolute URL of a path on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A JSON request to the API, for setting the scene behind the
    /// browser's back: the status and the body (`null` when not JSON).
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> (reqwest::StatusCode, serde_json::Value) {
        let http = reqwest::Client::new();
        let response = self
            .request(&http, &method, path, token, body.as_ref())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status();
        let body = response.json().await.unwrap_or(serde_json::Value::Null);
        (status, body)
    }

    /// A JSON request to the API through `http`, with a session's `token`
    /// and a `body` when given.
    pub fn request(
        &self,
        http: &reqwest::Client,
        method: &reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> reqwest::RequestBuilder {
        let mut request = http.request(method.clone(), self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request
    }

    /// What the server has logged so far.
    pub fn log_text(&self) -> String {
        self.program.log_text()
    }

    /// The folder the worker writes emails to as `.eml` files.
    pub fn outbox(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    /// Every email in the outbox, oldest first.
    pub fn emails(&self) -> Vec<Email> {
        emails_in(&self.outbox())
    }

    /// The newest email to `to`, waiting up to [`WAIT`] for one to arrive.
    pub async fn newest_email_to(&self, to: &str) -> Email {
        self.wait_for_email(&format!("an email to {to}"), |email| email.is_to(to))
            .await
    }

    /// The newest email matching `wanted`, waiting up to [`WAIT`] for one.
    pub async fn wait_for_email(&self, what: &str, wanted: impl Fn(&Email) -> bool) -> Email {
        let started = Instant::now();
        loop {
            let emails = self.emails();
            if let Some(email) = emails.iter().rev().find(|e| wanted(e)) {
                return email.clone();
            }
            if started.elapsed() > WAIT {
                let seen: Vec<String> = emails
                    .iter()
                    .map(|e| format!("  {} to {:?}: {}", e.path.display(), e.to, e.subject))
                    .collect();
                panic!(
                    "no {what} in {} after {WAIT:?}; the outbox has:\n{}",
                    self.outbox().display(),
                    seen.join("\n")
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The `.eml` files of a folder, oldest first (by modification time, then
/// name). Files being written (`.name.eml.partial`) are left out.
fn emails_in(dir: &Path) -> Vec<Email> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "eml")
                && !path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .filter_map(|path| {
            let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
            Some((modified, path))
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|(_, path)| Email::read(&path))
        .collect()
}

impl Drop for Server {
    fn drop(&mut self) {
        self.program.stop();
        if std::thread::panicking() {
            let log = self.log_text();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            eprintln!(
                "--- the last lines `cma serve` logged ---\n{}",
                tail.join("\n")
            );
        }
    }
}
