//! Starting the real server and speaking to it.

use clap::Parser;
use cma_api::app::AppState;
use cma_api::config::Config;
use cma_domain::client::Client;
use cma_domain::credentials::{Credentials, link_token};
use cma_store::Service;
use cma_store::sqlite::SqliteStore;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const SECRET: &str = "a test deployment key";
pub const PASSWORD: &str = "correct horse battery";
/// A Monday morning, so the default working hours offer slots.
pub const NOW: &str = "2026-12-07T09:30:00Z";
/// Friday 4 December 2026, noon in London (UTC in winter).
pub const FRIDAY_NOON: &str = "2026-12-04T12:00:00Z";

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    config: Config,
}

/// A running server over its own data directory.
pub struct Server {
    pub base: String,
    pub http: reqwest::Client,
    /// The highest command position seen: [`Server::fresh`] reads wait for it.
    seen: AtomicU64,
    dir: Arc<TempDir>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), String>>>,
}

/// Options a test may change.
#[derive(Clone, Debug)]
pub struct Options {
    pub now: String,
    pub trusted_proxies: Option<String>,
    pub max_upload_bytes: Option<u64>,
    /// The worker sends email to this SMTP server instead of the outbox folder.
    pub smtp_url: Option<String>,
    /// Uploads are kept in this bucket (`s3://bucket/prefix`) instead of on disk.
    pub files_url: Option<String>,
    /// Settings of the bucket's client (`--files-option key=value`).
    pub files_options: Vec<String>,
    /// Further command-line flags, e.g. `["--max-connections", "2"]`.
    pub extra_args: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            now: NOW.to_owned(),
            trusted_proxies: None,
            max_upload_bytes: None,
            smtp_url: None,
            files_url: None,
            files_options: Vec::new(),
            extra_args: Vec::new(),
        }
    }
}

/// The default options with the clock starting at `now`.
pub fn at(now: &str) -> Options {
    Options {
        now: now.to_owned(),
        ..Options::default()
    }
}

impl Server {
    pub async fn start() -> Server {
        Self::start_with(Options::default()).await
    }

    pub async fn start_with(options: Options) -> Server {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        Self::start_in(dir, options).await
    }

    async fn start_in(dir: Arc<TempDir>, options: Options) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let data_dir = dir.path().display().to_string();
        let listen = addr.to_string();
        let mut args = vec![
            "cma",
            "--listen",
            &listen,
            "--data-dir",
            &data_dir,
            "--secret-key",
            SECRET,
            "--now",
            &options.now,
        ];
        if let Some(proxies) = &options.trusted_proxies {
            args.extend(["--trusted-proxies", proxies]);
        }
        let max_upload_bytes = options.max_upload_bytes.map(|n| n.to_string());
        if let Some(max) = &max_upload_bytes {
            args.extend(["--max-upload-bytes", max]);
        }
        if let Some(url) = &options.smtp_url {
            args.extend(["--smtp-url", url]);
        }
        if let Some(url) = &options.files_url {
            args.extend(["--files-url", url]);
        }
        for option in &options.files_options {
            args.extend(["--files-option", option]);
        }
        args.extend(options.extra_args.iter().map(String::as_str));
        let config = Args::try_parse_from(args).expect("configuration").config;
        let state = AppState::open(config).await.expect("stores");
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(async move {
            let served = cma_api::serve::run(state.clone(), listener, async {
                let _ = stopped.await;
            })
            .await;
            state.close().await;
            served
        });
        let server = Server {
            base: format!("http://{addr}"),
            http: reqwest::Client::new(),
            seen: AtomicU64::new(0),
            dir,
            stop: Some(stop),
            task: Some(task),
        };
        server.wait_ready().await;
        server
    }

    async fn wait_ready(&self) {
        for _ in 0..200 {
            if let Ok(r) = self.http.get(format!("{}/healthz", self.base)).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("the server did not start");
    }

    /// Stops this server and starts another over the same data at `now`.
    pub async fn restart_at(mut self, now: &str) -> Server {
        self.shutdown().await;
        let dir = self.dir.clone();
        Self::start_in(
            dir,
            Options {
                now: now.to_owned(),
                ..Options::default()
            },
        )
        .await
    }

    async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let outcome = task.await.expect("server task");
            assert_eq!(outcome, Ok(()));
        }
    }

    /// The server's data directory (`events.db`, `read.db`, ...).
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request with a bearer token (or none) and a JSON body (or none).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("response");
        let (status, body) = read(response).await;
        self.note(&body);
        (status, body)
    }

    fn note(&self, body: &Value) {
        if let Some(position) = body.get("position").and_then(Value::as_u64) {
            self.seen.fetch_max(position, Ordering::SeqCst);
        }
    }

    /// A read that waits for every command this test has sent.
    pub async fn fresh(&self, path: &str, token: &str) -> (StatusCode, Value) {
        read(self.fresh_raw(path, token).await).await
    }

    pub async fn fresh_raw(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .header(
                "X-Min-Position",
                self.seen.load(Ordering::SeqCst).to_string(),
            )
            .send()
            .await
            .expect("response")
    }

    /// Uploads `bytes` as the multipart field `file` named `name`.
    pub async fn upload(
        &self,
        path: &str,
        token: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, Value) {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
        let form = reqwest::multipart::Form::new().part("file", part);
        let response = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .expect("response");
        let (status, body) = read(response).await;
        self.note(&body);
        (status, body)
    }

    pub async fn portal_login(&self, email: &str) -> (StatusCode, Value) {
        self.post(
            "/api/v1/auth/portal/login",
            None,
            json!({"email": email, "password": PASSWORD}),
        )
        .await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, token, Some(body)).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.call(Method::GET, path, token, None).await
    }

    /// A read that waits for the read models to reach `position`.
    pub async fn get_at(&self, path: &str, token: &str, position: &Value) -> (StatusCode, Value) {
        let response = self
            .http
            .get(self.url(path))
            .bearer_auth(token)
            .header("X-Min-Position", position.to_string())
            .send()
            .await
            .expect("response");
        read(response).await
    }

    /// The event log's head, from the readiness report.
    pub async fn head(&self) -> u64 {
        let (status, body) = self.get("/readyz", None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["event_log_head"].as_u64().expect("head position")
    }

    /// Signs up a new team; logs its owner in.
    pub async fn signup(&self, email: &str) -> Staff {
        let (status, body) = self
            .post(
                "/api/v1/teams",
                None,
                json!({
                    "business_name": "Sparks & Sons",
                    "owner_name": "Sam Sparks",
                    "owner_email": email,
                    "owner_password": PASSWORD,
                }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, login) = self
            .post(
                "/api/v1/auth/staff/login",
                None,
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{login}");
        assert_eq!(login["team_id"], body["team_id"]);
        Staff {
            token: text(&login["token"]),
            staff_id: text(&login["staff_id"]),
            team_id: text(&login["team_id"]),
        }
    }

    /// Creates a client with these saved emails.
    pub async fn client(&self, staff: &Staff, name: &str, emails: &[&str]) -> String {
        let (status, body) = self
            .post(
                "/api/v1/clients",
                Some(&staff.token),
                json!({"name": name, "emails": emails}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        text(&body["client_id"])
    }

    /// Drafts a quote for `client` with this body and sends it: its id.
    pub async fn sent_quote(&self, staff: &Staff, client: &str, quote: Value) -> String {
        let (status, created) = self
            .post(
                &format!("/api/v1/clients/{client}/quotes"),
                Some(&staff.token),
                quote,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let quote = text(&created["quote_id"]);
        let (status, body) = self
            .post(
                &format!("/api/v1/quotes/{quote}/send"),
                Some(&staff.token),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        quote
    }

    /// The accepted quote's certificate as plain text.
    pub async fn certificate_text(&self, staff: &Staff, quote: &str) -> String {
        self.http
            .get(self.url(&format!(
                "/api/v1/audit/quotes/{quote}/certificate?format=text"
            )))
            .bearer_auth(&staff.token)
            .send()
            .await
            .expect("response")
            .text()
            .await
            .expect("body")
    }

    /// Invites the client with these sections; returns the link's token.
    pub async fn invite(
        &self,
        staff: &Staff,
        client: &str,
        email: &str,
        sections: Value,
    ) -> String {
        let (status, body) = self
            .post(
                &format!("/api/v1/clients/{client}/portal/invite"),
                Some(&staff.token),
                json!({"email": email, "sections": sections}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        self.link(client).await
    }

    /// The token of the client's pending link, derived from the event as the
    /// email worker derives it.
    pub async fn link(&self, client: &str) -> String {
        let login = uuid::Uuid::parse_str(client).expect("client id");
        let store = SqliteStore::open(&self.dir.path().join("events.db"))
            .await
            .expect("event log");
        let service = Service::new(Arc::new(store));
        let credentials = service
            .load::<Credentials>(login)
            .await
            .expect("credentials")
            .state;
        let pending = credentials.pending.expect("a pending link");
        service.store().close().await;
        link_token(
            SECRET.as_bytes(),
            pending.purpose,
            login,
            pending.expires_at,
        )
    }

    /// Whether the client's portal is enabled, read from the write side.
    pub async fn portal_enabled(&self, client: &str) -> bool {
        let id = uuid::Uuid::parse_str(client).expect("client id");
        let store = SqliteStore::open(&self.dir.path().join("events.db"))
            .await
            .expect("event log");
        let service = Service::new(Arc::new(store));
        let enabled = service
            .load::<Client>(id)
            .await
            .expect("client")
            .state
            .enabled;
        service.store().close().await;
        enabled
    }

    /// An invited client who has set their password: their session token.
    pub async fn portal_client(
        &self,
        staff: &Staff,
        name: &str,
        email: &str,
        sections: Value,
    ) -> PortalClient {
        let client = self.client(staff, name, &[email]).await;
        PortalClient {
            token: self.portal(staff, &client, email, sections).await,
            client_id: client,
            email: email.to_owned(),
        }
    }

    /// Invites an existing client at `email` and sets their password from
    /// the link: their session token.
    pub async fn portal(
        &self,
        staff: &Staff,
        client: &str,
        email: &str,
        sections: Value,
    ) -> String {
        let token = self.invite(staff, client, email, sections).await;
        let (status, body) = self
            .post(
                "/api/v1/auth/portal/set-password",
                None,
                json!({"token": token, "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["client_id"], json!(client));
        text(&body["token"])
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A logged-in staff member.
#[derive(Clone, Debug)]
pub struct Staff {
    pub token: String,
    pub staff_id: String,
    pub team_id: String,
}

/// A logged-in portal client.
#[derive(Clone, Debug)]
pub struct PortalClient {
    pub token: String,
    pub client_id: String,
    pub email: String,
}

pub fn all_sections() -> Value {
    json!({"quotes": true, "invoices": true, "files": true, "meetings": true, "messages": true})
}

pub fn text(value: &Value) -> String {
    value.as_str().expect("a string").to_owned()
}

/// Status and JSON body (`null` when the body is empty or not JSON).
pub async fn read(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let bytes = response.bytes().await.expect("body");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, body)
}

/// Asserts an RFC 9457 problem with this status.
pub fn assert_problem(status: StatusCode, body: &Value, expected: StatusCode) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["status"], json!(expected.as_u16()), "{body}");
    assert!(body["type"].is_string() && body["title"].is_string() && body["detail"].is_string());
}

/// Every section on but the named ones.
pub fn sections_without(off: &[&str]) -> Value {
    let mut sections = all_sections();
    for name in off {
        sections[*name] = json!(false);
    }
    sections
}

/// The `Set-Cookie` values of a response.
pub fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

/// The header's value, or "" when absent.
pub fn header(headers: &reqwest::header::HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A small valid PNG as a data URL.
pub fn signature() -> String {
    use base64::Engine;
    let png = cma_domain::quote::signature::tiny_png(40, 20);
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    )
}
