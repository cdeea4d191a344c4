//! Starting the server and talking to it.

use clap::Parser;
use cma_api::app::AppState;
use cma_api::config::Config;
use cma_domain::credentials::{CredentialsEvent, TokenPurpose, link_token};
use cma_store::Service;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::oneshot;
use uuid::Uuid;

/// Friday 4 December 2026, noon in London (UTC in winter).
pub const FRIDAY_NOON: &str = "2026-12-04T12:00:00Z";

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    config: Config,
}

/// A Monday morning in London (UTC in winter): the day's slots are ahead.
pub const MONDAY_MORNING: &str = "2026-12-07T09:30:00Z";
pub const STAFF_PASSWORD: &str = "correct horse battery";
pub const CLIENT_PASSWORD: &str = "client password 1";

/// One running server with its own data directory.
pub struct Server {
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    /// The highest command position seen: every GET waits for it.
    seen: Arc<AtomicU64>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    dir: Arc<tempfile::TempDir>,
}

impl Server {
    /// A server whose clock starts at `now`, with extra `cma serve` flags.
    pub async fn start(now: &str, flags: &[&str]) -> Server {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        Self::start_in(dir, now, flags).await
    }

    /// Stops this server and starts another over the same data at `now`.
    pub async fn restart_at(mut self, now: &str) -> Server {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server stopped");
        }
        self.state.close().await;
        Self::start_in(self.dir.clone(), now, &[]).await
    }

    async fn start_in(dir: Arc<tempfile::TempDir>, now: &str, flags: &[&str]) -> Server {
        let data_dir = dir.path().to_str().expect("utf-8 path").to_owned();
        let mut argv = vec![
            "cma",
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            &data_dir,
            "--now",
            now,
            "--secret-key",
            "test-secret",
        ];
        argv.extend_from_slice(flags);
        let config = Args::try_parse_from(argv).expect("flags").config;
        let state = AppState::open(config).await.expect("stores open");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("listen");
        let addr = listener.local_addr().expect("address");
        let (stop, stopped) = oneshot::channel::<()>();
        let served = state.clone();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            let _ = cma_api::serve::run(served, listener, shutdown).await;
        });
        Server {
            base: format!("http://{addr}"),
            state,
            http: reqwest::Client::new(),
            seen: Arc::new(AtomicU64::new(0)),
            stop: Some(stop),
            task: Some(task),
            dir,
        }
    }

    /// The event log's head.
    pub async fn head(&self) -> u64 {
        self.state.store.head().await.expect("head")
    }

    /// Whether the client's portal is enabled, read from the write side.
    pub async fn portal_enabled(&self, client: &str) -> bool {
        let client: Uuid = client.parse().expect("client id");
        let loaded = self
            .state
            .service
            .load::<cma_domain::client::Client>(client)
            .await;
        loaded.expect("client").state.enabled
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn note(&self, body: &Value) {
        if let Some(p) = body.get("position").and_then(Value::as_u64) {
            self.seen.fetch_max(p, Ordering::SeqCst);
        }
    }

    async fn answer(&self, response: Response) -> (StatusCode, Value) {
        let (status, body) = read(response).await;
        self.note(&body);
        (status, body)
    }

    /// A GET that reads its writes.
    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let response = self.get_raw(path, token).await;
        self.answer(response).await
    }

    pub async fn get_raw(&self, path: &str, token: &str) -> Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .header(
                "X-Min-Position",
                self.seen.load(Ordering::SeqCst).to_string(),
            )
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request");
        self.answer(response).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .http
            .put(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request");
        self.answer(response).await
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
            .expect("request");
        self.answer(response).await
    }

    /// Signs a business up and logs its owner in: (staff token, team id).
    pub async fn staff(&self, email: &str) -> (String, String) {
        let (status, team) = self
            .post(
                "/api/v1/teams",
                "",
                json!({"business_name": "Ace Plumbing", "owner_name": "Sam Ace",
                       "owner_email": email, "owner_password": "correct horse battery"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{team}");
        let token = self.staff_login(email).await;
        (token, text(&team["team_id"]))
    }

    pub async fn staff_login(&self, email: &str) -> String {
        let (status, login) = self
            .post(
                "/api/v1/auth/staff/login",
                "",
                json!({"email": email, "password": "correct horse battery"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{login}");
        text(&login["token"])
    }

    /// A client with saved emails: its id.
    pub async fn client(&self, staff: &str, name: &str, emails: &[&str]) -> String {
        let (status, created) = self
            .post(
                "/api/v1/clients",
                staff,
                json!({"name": name, "emails": emails}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        text(&created["client_id"])
    }

    /// Invites the client with `sections`, sets their password from the
    /// link and returns their portal token.
    pub async fn portal(&self, staff: &str, client: &str, email: &str, sections: Value) -> String {
        let (status, invited) = self
            .post(
                &format!("/api/v1/clients/{client}/portal/invite"),
                staff,
                json!({"email": email, "sections": sections}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{invited}");
        let link = self.invite_link(client).await;
        let (status, session) = self
            .post(
                "/api/v1/auth/portal/set-password",
                "",
                json!({"token": link, "password": "client password 1"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{session}");
        text(&session["token"])
    }

    /// The token of the client's latest invite link, derived from the
    /// recorded invite exactly as the email worker derives it.
    pub async fn invite_link(&self, client: &str) -> String {
        self.link(client, TokenPurpose::Invite).await
    }

    /// The token of the client's latest link for `purpose`, derived from the
    /// recorded event exactly as the email worker derives it.
    pub async fn link(&self, client: &str, purpose: TokenPurpose) -> String {
        let client: Uuid = client.parse().expect("client id");
        let stream = Service::stream::<cma_domain::credentials::Credentials>(client);
        let recorded = self.state.store.read_stream(&stream).await.expect("stream");
        let expires_at = recorded
            .iter()
            .rev()
            .find_map(|r| match (purpose, r.decode::<CredentialsEvent>()) {
                (TokenPurpose::Invite, Ok(CredentialsEvent::InviteIssued(e))) => Some(e.expires_at),
                (TokenPurpose::Reset, Ok(CredentialsEvent::ResetIssued(e))) => Some(e.expires_at),
                _ => None,
            })
            .expect("a link was issued");
        link_token(&self.state.secret_key, purpose, client, expires_at)
    }

    pub async fn portal_login(&self, email: &str) -> (StatusCode, Value) {
        self.post(
            "/api/v1/auth/portal/login",
            "",
            json!({"email": email, "password": "client password 1"}),
        )
        .await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Every section on, or all but the named ones.
pub fn sections_without(off: &[&str]) -> Value {
    let mut s = json!({"quotes": true, "invoices": true, "files": true, "meetings": true, "messages": true});
    for name in off {
        s[*name] = json!(false);
    }
    s
}

pub fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// The header's value, or "" when absent.
pub fn header(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub fn is_problem(headers: &HeaderMap) -> bool {
    header(headers, CONTENT_TYPE.as_str()) == "application/problem+json"
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

/// Status and JSON body (`null` when the body is empty or not JSON).
pub async fn read(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

/// Asserts an RFC 9457 problem with this status.
pub fn assert_problem(status: StatusCode, body: &Value, expected: StatusCode) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["status"], json!(expected.as_u16()), "{body}");
    assert!(body["type"].is_string() && body["title"].is_string() && body["detail"].is_string());
}
