//! The load: portal clients racing for a few slots, two sessions of one
//! client accepting one quote, optional-line toggles, messages, uploads,
//! invoices and payments, spread over the API processes. Every command
//! answered 2xx is recorded with the position it answered.

use crate::cluster::{Cluster, Mode, SECRET};
use cma_domain::credentials::{Credentials, link_token};
use cma_store::{EventStore, Service};
use reqwest::{RequestBuilder, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinHandle;

const PASSWORD: &str = "correct horse battery";

/// A small xorshift generator: the run's seed is printed, so a run can be
/// repeated (`CMA_FAULTS_SEED`).
#[derive(Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0.max(1);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

pub fn seed() -> u64 {
    std::env::var("CMA_FAULTS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        })
}

/// A command answered 2xx.
#[derive(Clone, Debug)]
pub struct Answered {
    pub kind: &'static str,
    /// The log position it answered (its last event's).
    pub position: u64,
    /// The stream its events went to, where the test knows it.
    pub stream: Option<String>,
}

#[derive(Default)]
pub struct Ledger {
    pub answered: Mutex<Vec<Answered>>,
    /// Commands (and reads, as `read ...`) by kind, then by status
    /// (`no answer` when the connection failed).
    pub statuses: Mutex<BTreeMap<String, BTreeMap<String, u64>>>,
    /// Every 500 (or other 5xx but 503), with its body.
    pub server_errors: Mutex<Vec<String>>,
    /// Quotes with an acceptance answered 2xx, once per answer.
    pub accepted: Mutex<Vec<String>>,
}

pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Ledger {
    fn count(&self, kind: &str, status: &str) {
        *lock(&self.statuses)
            .entry(kind.to_owned())
            .or_default()
            .entry(status.to_owned())
            .or_default() += 1;
    }

    /// Sends a command; its body when answered 2xx.
    async fn command(
        &self,
        kind: &'static str,
        request: RequestBuilder,
        stream: Option<String>,
    ) -> Option<Value> {
        let (status, body) = self.send(kind, request).await?;
        if !status.is_success() {
            return None;
        }
        match body["position"].as_u64() {
            Some(position) => lock(&self.answered).push(Answered {
                kind,
                position,
                stream,
            }),
            None => {
                lock(&self.server_errors).push(format!("{kind}: 2xx without a position: {body}"))
            }
        }
        Some(body)
    }

    /// A read; its body when answered 200.
    async fn read(&self, kind: &'static str, request: RequestBuilder) -> Option<Value> {
        let (status, body) = self.send(&format!("read {kind}"), request).await?;
        status.is_success().then_some(body)
    }

    async fn send(&self, kind: &str, request: RequestBuilder) -> Option<(StatusCode, Value)> {
        let response = match request.send().await {
            Ok(response) => response,
            Err(_) => {
                self.count(kind, "no answer");
                // The process is down (being restarted): do not spin.
                tokio::time::sleep(Duration::from_millis(100)).await;
                return None;
            }
        };
        let status = response.status();
        let Ok(bytes) = response.bytes().await else {
            self.count(kind, "no answer");
            return None;
        };
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        self.count(kind, status.as_str());
        if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
            lock(&self.server_errors).push(format!("{kind}: {status} {body}"));
        }
        Some((status, body))
    }
}

/// A portal client with two sessions of their own.
#[derive(Clone, Debug)]
pub struct PortalClient {
    pub id: String,
    pub sessions: [String; 2],
}

#[derive(Clone, Debug)]
pub struct Setup {
    pub staff: String,
    pub team: String,
    pub clients: Vec<PortalClient>,
    /// The few slots everyone races for.
    pub slots: Vec<String>,
    pub apis: Vec<String>,
}

async fn post(
    http: &reqwest::Client,
    url: String,
    token: Option<&str>,
    body: Value,
) -> (StatusCode, Value) {
    let mut request = http.post(url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("a setup request");
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

fn text(value: &Value) -> String {
    value.as_str().expect("a string").to_owned()
}

/// A team, portal clients with two sessions each, and the slots, through
/// the first API process, before any fault.
pub async fn setup(cluster: &Cluster, clients: usize) -> Setup {
    let apis = cluster.api_bases().await;
    let api = &apis[0];
    let http = &cluster.http;
    let (status, team) = post(
        http,
        format!("{api}/api/v1/teams"),
        None,
        json!({"business_name": "Faulty Towers Plumbing", "owner_name": "Basil",
               "owner_email": "basil@towers.example", "owner_password": PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{team}");
    let (status, login) = post(
        http,
        format!("{api}/api/v1/auth/staff/login"),
        None,
        json!({"email": "basil@towers.example", "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{login}");
    let staff = text(&login["token"]);
    let store: Arc<dyn EventStore> = match cluster.mode {
        Mode::Postgres => Arc::new(
            cma_store::postgres::PgStore::connect(&cluster.database.as_ref().expect("database").0)
                .await
                .expect("event log"),
        ),
        Mode::Embedded => Arc::new(
            cma_store::sqlite::SqliteStore::open(&cluster.data_dir().join("events.db"))
                .await
                .expect("event log"),
        ),
    };
    let service = Service::new(store.clone());
    let mut portal = Vec::new();
    for i in 0..clients {
        let email = format!("guest{i}@towers.example");
        let (status, created) = post(
            http,
            format!("{api}/api/v1/clients"),
            Some(&staff),
            json!({"name": format!("Guest {i}"), "emails": [email]}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = text(&created["client_id"]);
        let (status, invited) = post(
            http,
            format!("{api}/api/v1/clients/{id}/portal/invite"),
            Some(&staff),
            json!({"email": email, "sections": {"quotes": true, "invoices": true,
                   "files": true, "meetings": true, "messages": true}}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{invited}");
        let login = uuid::Uuid::parse_str(&id).expect("client id");
        let pending = service
            .load::<Credentials>(login)
            .await
            .expect("credentials")
            .state
            .pending
            .expect("a pending link");
        let token = link_token(
            SECRET.as_bytes(),
            pending.purpose,
            login,
            pending.expires_at,
        );
        let (status, set) = post(
            http,
            format!("{api}/api/v1/auth/portal/set-password"),
            None,
            json!({"token": token, "password": PASSWORD}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{set}");
        let (status, second) = post(
            http,
            format!("{api}/api/v1/auth/portal/login"),
            None,
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{second}");
        portal.push(PortalClient {
            id,
            sessions: [text(&set["token"]), text(&second["token"])],
        });
    }
    store.close().await;
    let slots: Value = http
        .get(format!("{api}/api/v1/portal/meetings/slots"))
        .bearer_auth(&portal[0].sessions[0])
        .send()
        .await
        .expect("slots")
        .json()
        .await
        .expect("slots");
    let slots: Vec<String> = slots["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .take(3)
        .map(|s| text(&s["starts_at"]))
        .collect();
    assert!(!slots.is_empty(), "no free slot to book");
    Setup {
        staff,
        team: text(&team["team_id"]),
        clients: portal,
        slots,
        apis,
    }
}

/// One load task per portal client, until `stop`.
pub fn start(
    setup: &Setup,
    ledger: Arc<Ledger>,
    stop: Arc<AtomicBool>,
    seed: u64,
) -> Vec<JoinHandle<()>> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    setup
        .clients
        .iter()
        .enumerate()
        .map(|(i, client)| {
            let task = Task {
                http: http.clone(),
                setup: setup.clone(),
                client: client.clone(),
                ledger: ledger.clone(),
                rng: Rng(seed.wrapping_add(i as u64 * 0x9e37_79b9)),
                booked: Vec::new(),
                quote: None,
                invoice: None,
                n: 0,
            };
            let stop = stop.clone();
            tokio::spawn(task.run(stop))
        })
        .collect()
}

struct Task {
    http: reqwest::Client,
    setup: Setup,
    client: PortalClient,
    ledger: Arc<Ledger>,
    rng: Rng,
    /// This client's appointments, as far as it knows.
    booked: Vec<String>,
    /// The open quote: its id and its optional lines.
    quote: Option<(String, Vec<String>)>,
    invoice: Option<String>,
    n: u64,
}

/// A PDF of a few kilobytes.
fn pdf(n: u64) -> Vec<u8> {
    let mut pdf = format!("%PDF-1.7\n% photo {n}\n").into_bytes();
    pdf.extend((0..4000).map(|i| b'a' + (i % 23) as u8));
    pdf
}

fn signature() -> String {
    use base64::Engine;
    let png = cma_domain::quote::signature::tiny_png(40, 20);
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    )
}

impl Task {
    fn api(&mut self) -> String {
        let i = self.rng.below(self.setup.apis.len() as u64) as usize;
        self.setup.apis[i].clone()
    }

    fn session(&mut self) -> String {
        self.client.sessions[self.rng.below(2) as usize].clone()
    }

    async fn run(mut self, stop: Arc<AtomicBool>) {
        while !stop.load(Ordering::SeqCst) {
            self.n += 1;
            match self.rng.below(100) {
                0..=29 => self.book().await,
                30..=39 => self.cancel().await,
                40..=54 => self.toggle().await,
                55..=64 => self.message().await,
                65..=72 => self.upload().await,
                73..=89 => self.quote().await,
                _ => self.pay().await,
            }
        }
    }

    fn diary(&self) -> Option<String> {
        Some(format!("diary-{}", self.setup.team))
    }

    async fn book(&mut self) {
        let slot = self.setup.slots[self.rng.below(self.setup.slots.len() as u64) as usize].clone();
        let (api, session) = (self.api(), self.session());
        let request = self
            .http
            .post(format!("{api}/api/v1/portal/meetings"))
            .bearer_auth(session)
            .json(&json!({"starts_at": slot}));
        if let Some(body) = self
            .ledger
            .command("book a slot", request, self.diary())
            .await
        {
            self.booked.push(text(&body["appointment_id"]));
        }
    }

    async fn cancel(&mut self) {
        if self.booked.is_empty() {
            return self.book().await;
        }
        let i = self.rng.below(self.booked.len() as u64) as usize;
        let appointment = self.booked[i].clone();
        let (api, session) = (self.api(), self.session());
        let request = self
            .http
            .post(format!("{api}/api/v1/portal/meetings/{appointment}/cancel"))
            .bearer_auth(session)
            .json(&json!({}));
        let response = self
            .ledger
            .command("cancel a booking", request, self.diary())
            .await;
        if response.is_some() || self.rng.below(4) == 0 {
            self.booked.swap_remove(i);
        }
    }

    async fn toggle(&mut self) {
        let Some((quote, lines)) = self.quote.clone() else {
            return self.quote().await;
        };
        if lines.is_empty() {
            return;
        }
        let line = lines[self.rng.below(lines.len() as u64) as usize].clone();
        let selected = self.rng.below(2) == 0;
        let (api, session) = (self.api(), self.session());
        let request = self
            .http
            .put(format!("{api}/api/v1/portal/quotes/{quote}/lines/{line}"))
            .bearer_auth(session)
            .json(&json!({"selected": selected}));
        self.ledger
            .command("toggle a line", request, Some(format!("quote-{quote}")))
            .await;
    }

    async fn message(&mut self) {
        let api = self.api();
        let text = format!("Message {} from the load", self.n);
        let request = if self.rng.below(3) == 0 {
            self.http
                .post(format!("{api}/api/v1/clients/{}/messages", self.client.id))
                .bearer_auth(&self.setup.staff)
        } else {
            let session = self.session();
            self.http
                .post(format!("{api}/api/v1/portal/messages"))
                .bearer_auth(session)
        };
        self.ledger
            .command("post a message", request.json(&json!({"text": text})), None)
            .await;
    }

    async fn upload(&mut self) {
        let (api, session) = (self.api(), self.session());
        let part =
            reqwest::multipart::Part::bytes(pdf(self.n)).file_name(format!("photo-{}.pdf", self.n));
        let request = self
            .http
            .post(format!("{api}/api/v1/portal/files"))
            .bearer_auth(session)
            .multipart(reqwest::multipart::Form::new().part("file", part));
        self.ledger.command("upload a file", request, None).await;
    }

    /// Without an open quote, staff create and send one; with one, both of
    /// the client's sessions accept it at once, through different APIs.
    async fn quote(&mut self) {
        match self.quote.take() {
            None => self.new_quote().await,
            Some((quote, _)) => {
                let body = json!({"name": "Guest", "signature": signature(), "revision": 1});
                let accept = |api: &str, session: &str| {
                    self.http
                        .post(format!("{api}/api/v1/portal/quotes/{quote}/accept"))
                        .bearer_auth(session)
                        .json(&body)
                };
                let first = self.rng.below(2) as usize;
                let (a, b) = (
                    accept(
                        &self.setup.apis[first % self.setup.apis.len()],
                        &self.client.sessions[0],
                    ),
                    accept(
                        &self.setup.apis[(first + 1) % self.setup.apis.len()],
                        &self.client.sessions[1],
                    ),
                );
                let stream = Some(format!("quote-{quote}"));
                let (a, b) = tokio::join!(
                    self.ledger.command("accept a quote", a, stream.clone()),
                    self.ledger.command("accept a quote", b, stream),
                );
                for _ in a.iter().chain(b.iter()) {
                    lock(&self.ledger.accepted).push(quote.clone());
                }
            }
        }
    }

    async fn new_quote(&mut self) {
        let api = self.api();
        let request = self
            .http
            .post(format!("{api}/api/v1/clients/{}/quotes", self.client.id))
            .bearer_auth(&self.setup.staff)
            .json(&json!({"title": format!("Job {}", self.n), "currency": "GBP", "lines": [
                {"description": "Labour", "quantity": "2", "unit_price": "40.00", "tax_rate": "20", "optional": false, "selected": true},
                {"description": "Tiles", "quantity": "3", "unit_price": "10.50", "tax_rate": "5", "optional": true, "selected": true},
                {"description": "Mirror", "quantity": "1", "unit_price": "19.99", "tax_rate": "20", "optional": true, "selected": false}]}));
        let Some(created) = self.ledger.command("create a quote", request, None).await else {
            return;
        };
        let quote = text(&created["quote_id"]);
        let stream = Some(format!("quote-{quote}"));
        let api = self.api();
        let request = self
            .http
            .post(format!("{api}/api/v1/quotes/{quote}/send"))
            .bearer_auth(&self.setup.staff)
            .json(&json!({}));
        let Some(sent) = self.ledger.command("send a quote", request, stream).await else {
            return;
        };
        let position = sent["position"].as_u64().unwrap_or_default();
        let api = self.api();
        let request = self
            .http
            .get(format!("{api}/api/v1/quotes/{quote}"))
            .bearer_auth(&self.setup.staff)
            .header("X-Min-Position", position.to_string());
        let Some(view) = self.ledger.read("a quote", request).await else {
            return;
        };
        let lines = view["lines"]
            .as_array()
            .map(|lines| {
                lines
                    .iter()
                    .filter(|l| l["optional"] == json!(true))
                    .map(|l| text(&l["line_id"]))
                    .collect()
            })
            .unwrap_or_default();
        self.quote = Some((quote, lines));
    }

    async fn pay(&mut self) {
        let api = self.api();
        let Some(invoice) = self.invoice.clone() else {
            let request = self
                .http
                .post(format!("{api}/api/v1/clients/{}/invoices", self.client.id))
                .bearer_auth(&self.setup.staff)
                .json(&json!({"currency": "GBP", "due_on": "2027-01-31", "lines": [
                    {"description": "Labour", "quantity": "10", "unit_price": "100.00", "tax_rate": "20"}]}));
            if let Some(created) = self
                .ledger
                .command("create an invoice", request, None)
                .await
            {
                self.invoice = Some(text(&created["invoice_id"]));
            }
            return;
        };
        let request = self
            .http
            .post(format!("{api}/api/v1/invoices/{invoice}/payments"))
            .bearer_auth(&self.setup.staff)
            .json(&json!({"amount": "1.00", "paid_on": "2026-12-05"}));
        let paid = self
            .ledger
            .command(
                "record a payment",
                request,
                Some(format!("invoice-{invoice}")),
            )
            .await;
        if paid.is_none() && self.rng.below(3) == 0 {
            self.invoice = None;
        }
    }
}
