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
    task: Option<JoinHandle<anyhow::Result<()>>>,
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

impl Options {
    /// These options with uploads bounded at `bytes`.
    pub fn max_upload(self, bytes: u64) -> Self {
        Self {
            max_upload_bytes: Some(bytes),
            ..self
        }
    }

    /// These options trusting the loopback proxy's `X-Forwarded-For`.
    pub fn behind_a_proxy(self) -> Self {
        Self {
            trusted_proxies: Some("127.0.0.1".to_owned()),
            ..self
        }
    }

    /// These options with the worker sending to the SMTP server at `url`.
    pub fn smtp(self, url: String) -> Self {
        Self {
            smtp_url: Some(url),
            ..self
        }
    }

    /// These options with further command-line flags.
    pub fn args(self, args: &[&str]) -> Self {
        Self {
            extra_args: args.iter().map(|a| (*a).to_owned()).collect(),
            ..self
        }
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
        let state = AppState::open(config, cma_api::roles::Roles::ALL)
            .await
            .expect("stores");
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
        Self::start_in(dir, at(now)).await
    }

    async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let outcome = task.await.expect("server task");
            assert!(outcome.is_ok(), "{outcome:?}");
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
        let seen = json!(self.seen.load(Ordering::SeqCst));
        self.get_at_raw(path, token, &seen).await
    }

    /// The response to a read that waits for the read models to reach `position`.
    pub async fn get_at_raw(&self, path: &str, token: &str, position: &Value) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .header("X-Min-Position", position.to_string())
            .send()
            .await
            .expect("response")
    }

    /// A GET of `path` without a session: the response as it came.
    pub async fn page(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .send()
            .await
            .expect("response")
    }

    /// The text of a GET of `path` without a session.
    pub async fn page_text(&self, path: &str) -> String {
        self.page(path).await.text().await.expect("text")
    }

    /// A POST of `body` without a session: the response as it came.
    pub async fn post_raw(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .json(body)
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
        self.portal_login_with(email, PASSWORD).await
    }

    pub async fn portal_login_with(&self, email: &str, password: &str) -> (StatusCode, Value) {
        let login = credentials(email, password);
        self.post("/api/v1/auth/portal/login", None, login).await
    }

    pub async fn staff_login(&self, email: &str, password: &str) -> (StatusCode, Value) {
        let login = credentials(email, password);
        self.post("/api/v1/auth/staff/login", None, login).await
    }

    /// Sets the password from an invite link's token.
    pub async fn set_password(&self, token: &str, password: &str) -> (StatusCode, Value) {
        let body = json!({"token": token, "password": password});
        self.post("/api/v1/auth/portal/set-password", None, body)
            .await
    }

    /// Sets the password from a reset link's token.
    pub async fn reset_password(&self, token: &str, password: &str) -> (StatusCode, Value) {
        let body = json!({"token": token, "password": password});
        self.post("/api/v1/auth/portal/reset", None, body).await
    }

    /// Asks for a reset link to `email`.
    pub async fn reset_request(&self, email: &str) -> (StatusCode, Value) {
        let body = json!({"email": email});
        self.post("/api/v1/auth/portal/reset-request", None, body)
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

    pub async fn delete(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// A read that waits for the read models to reach `position`.
    pub async fn get_at(&self, path: &str, token: &str, position: &Value) -> (StatusCode, Value) {
        read(self.get_at_raw(path, token, position).await).await
    }

    /// Saves these team settings.
    pub async fn save_settings(&self, token: &str, settings: Value) -> (StatusCode, Value) {
        self.put("/api/v1/team/settings", Some(token), settings)
            .await
    }

    /// The client chooses whether to have portal updates by email.
    pub async fn notifications(&self, token: &str, email: Value) -> (StatusCode, Value) {
        let choice = json!({"email": email});
        self.put("/api/v1/portal/notifications", Some(token), choice)
            .await
    }

    /// Staff change a client's portal access (`enabled`, `sections`).
    pub async fn access(&self, token: &str, client: &str, access: Value) -> (StatusCode, Value) {
        let path = format!("/api/v1/clients/{client}/portal/access");
        self.put(&path, Some(token), access).await
    }

    /// A message from the client on their thread.
    pub async fn portal_message(&self, token: &str, text: &str) -> (StatusCode, Value) {
        let message = json!({"text": text});
        self.post("/api/v1/portal/messages", Some(token), message)
            .await
    }

    /// Drafts a quote for `client`.
    pub async fn draft_quote(
        &self,
        token: &str,
        client: &str,
        quote: Value,
    ) -> (StatusCode, Value) {
        let path = format!("/api/v1/clients/{client}/quotes");
        self.post(&path, Some(token), quote).await
    }

    /// Sends a drafted quote to its client.
    pub async fn send_quote(&self, token: &str, quote: &str) -> (StatusCode, Value) {
        let path = format!("/api/v1/quotes/{quote}/send");
        self.post(&path, Some(token), json!({})).await
    }

    /// The client accepts the quote with this acceptance.
    pub async fn accept(&self, token: &str, quote: &str, acceptance: Value) -> (StatusCode, Value) {
        let path = format!("/api/v1/portal/quotes/{quote}/accept");
        self.post(&path, Some(token), acceptance).await
    }

    /// Issues an invoice to `client`.
    pub async fn invoice(&self, token: &str, client: &str, invoice: Value) -> (StatusCode, Value) {
        let path = format!("/api/v1/clients/{client}/invoices");
        self.post(&path, Some(token), invoice).await
    }

    /// The client books the slot starting at `starts_at`.
    pub async fn book(&self, token: &str, starts_at: &str) -> (StatusCode, Value) {
        let slot = json!({"starts_at": starts_at});
        self.post("/api/v1/portal/meetings", Some(token), slot)
            .await
    }

    /// The client cancels their meeting.
    pub async fn cancel_meeting(&self, token: &str, appointment: &str) -> (StatusCode, Value) {
        let path = format!("/api/v1/portal/meetings/{appointment}/cancel");
        self.post(&path, Some(token), json!({})).await
    }

    /// Staff cancel an appointment in the diary.
    pub async fn cancel_appointment(&self, token: &str, appointment: &str) -> (StatusCode, Value) {
        let path = format!("/api/v1/diary/appointments/{appointment}/cancel");
        self.post(&path, Some(token), json!({})).await
    }

    /// The event log's head, from the readiness report.
    pub async fn head(&self) -> u64 {
        let (status, body) = self.get("/readyz", None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["event_log_head"].as_u64().expect("head position")
    }

    /// Signs up a new team; logs its owner in.
    pub async fn signup(&self, email: &str) -> Staff {
        let (status, body) = self.post("/api/v1/teams", None, team(email)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, login) = self.staff_login(email, PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "{login}");
        assert_eq!(login["team_id"], body["team_id"]);
        Staff {
            token: text(&login["token"]),
            staff_id: text(&login["staff_id"]),
            team_id: text(&login["team_id"]),
        }
    }

    /// Signs up a team (owner@sparks.test) with one client, `name` at
    /// `email`, who has set their password and sees every section.
    pub async fn staff_and_client(&self, name: &str, email: &str) -> (Staff, PortalClient) {
        let staff = self.signup("owner@sparks.test").await;
        let client = self
            .portal_client(&staff, name, email, all_sections())
            .await;
        (staff, client)
    }

    /// Signs up a team (owner@sparks.test) and invites its client `name` at
    /// `email` with every section: the client's id and the link's token.
    pub async fn invited_client(&self, name: &str, email: &str) -> (String, String) {
        let staff = self.signup("owner@sparks.test").await;
        let client = self.client(&staff, name, &[email]).await;
        let link = self.invite(&staff, &client, email, all_sections()).await;
        (client, link)
    }

    /// Signs up a team at `owner` with a client, `name` at `email`, who has
    /// set their password and sees every section, and sends them `quote`:
    /// the staff member, the client and the quote's id.
    pub async fn quote_sent_to(
        &self,
        owner: &str,
        (name, email): (&str, &str),
        quote: Value,
    ) -> (Staff, PortalClient, String) {
        let staff = self.signup(owner).await;
        let client = self
            .portal_client(&staff, name, email, all_sections())
            .await;
        let quote = self.sent_quote(&staff, &client.client_id, quote).await;
        (staff, client, quote)
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
        let (status, created) = self.draft_quote(&staff.token, client, quote).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let quote = text(&created["quote_id"]);
        let (status, body) = self.send_quote(&staff.token, &quote).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        quote
    }

    /// Drafts a quote for `client` and sends it: its id and the id of its
    /// second line, read once sent.
    pub async fn sent_quote_and_line(
        &self,
        staff: &Staff,
        client: &str,
        quote: Value,
    ) -> (String, String) {
        let quote = self.sent_quote(staff, client, quote).await;
        let path = format!("/api/v1/quotes/{quote}");
        let view = answered(self.fresh(&path, &staff.token).await, StatusCode::OK);
        (quote, text(&view["lines"][1]["line_id"]))
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

    /// Staff invite the client at `email` to the portal with these sections.
    pub async fn send_invite(
        &self,
        token: &str,
        client: &str,
        email: &str,
        sections: Value,
    ) -> (StatusCode, Value) {
        let path = format!("/api/v1/clients/{client}/portal/invite");
        let invite = json!({"email": email, "sections": sections});
        self.post(&path, Some(token), invite).await
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
            .send_invite(&staff.token, client, email, sections)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        self.link(client).await
    }

    /// The write side over this server's event log.
    async fn events(&self) -> Service {
        let store = SqliteStore::open(&self.dir.path().join("events.db"))
            .await
            .expect("event log");
        Service::new(Arc::new(store))
    }

    /// The token of the client's pending link, derived from the event as the
    /// email worker derives it.
    pub async fn link(&self, client: &str) -> String {
        let login = uuid::Uuid::parse_str(client).expect("client id");
        let service = self.events().await;
        let credentials = service.load::<Credentials>(login).await;
        service.store().close().await;
        let pending = credentials.expect("credentials").state.pending;
        let pending = pending.expect("a pending link");
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
        let service = self.events().await;
        let loaded = service.load::<Client>(id).await;
        service.store().close().await;
        loaded.expect("client").state.enabled
    }

    /// The server's read database.
    /// The server's own records (`api.db`: sessions, logins, rate-limit
    /// attempts, Idempotency-Key answers).
    pub async fn records_db(&self) -> sqlx::SqlitePool {
        let path = self.dir.path().join("api.db");
        sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("api records")
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
        let (status, body) = self.set_password(&token, PASSWORD).await;
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

/// The body of a signup of a team owned by `email`.
pub fn team(email: &str) -> Value {
    json!({
        "business_name": "Sparks & Sons",
        "owner_name": "Sam Sparks",
        "owner_email": email,
        "owner_password": PASSWORD,
    })
}

/// The body of a login.
pub fn credentials(email: &str, password: &str) -> Value {
    json!({"email": email, "password": password})
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

/// Asserts the status of an answer: its body.
pub fn answered((status, body): (StatusCode, Value), expected: StatusCode) -> Value {
    assert_eq!(status, expected, "{body}");
    body
}

/// Asserts an RFC 9457 problem with this status.
pub fn assert_problem(status: StatusCode, body: &Value, expected: StatusCode) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["status"], json!(expected.as_u16()), "{body}");
    assert!(body["type"].is_string() && body["title"].is_string() && body["detail"].is_string());
}

/// Asserts a quote's totals: its subtotal, tax and total.
pub fn assert_totals(quote: &Value, subtotal: &str, tax: &str, total: &str) {
    let expected = json!({"subtotal": subtotal, "tax": tax, "total": total});
    assert_eq!(quote["totals"], expected, "{quote}");
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

/// The cookie whose `Set-Cookie` value starts with `prefix`.
pub fn cookie<'a>(cookies: &'a [String], prefix: &str) -> &'a str {
    cookies
        .iter()
        .find(|c| c.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} in {cookies:?}"))
}

/// An HTTP client that keeps cookies, as a browser does.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client")
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
    signature_of(&cma_domain::quote::signature::tiny_png(40, 20))
}

/// `png` as a data URL.
pub fn signature_of(png: &[u8]) -> String {
    use base64::Engine;
    let png = base64::engine::general_purpose::STANDARD.encode(png);
    format!("data:image/png;base64,{png}")
}
