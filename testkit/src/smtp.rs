//! A real SMTP server on loopback (mailin-embedded) that records what it
//! accepts, and can refuse the next messages or hold a transaction open;
//! optionally with STARTTLS and a required login (AUTH PLAIN and LOGIN,
//! offered only once TLS is on).
//! The worker, API and fault tests use it.

use mailin_embedded::{AuthMechanism, Handler, Response, Server, SslConfig, response};
use mailparse::MailHeaderMap;
use std::collections::BTreeMap;
use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// One accepted message.
#[derive(Clone, Debug)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    /// Messages still to refuse with a temporary error (421).
    refuse: usize,
    /// A pause before DATA is accepted, from the `hold_from`-th transaction on.
    hold: Option<(usize, Duration)>,
    transactions: usize,
    /// Set when a held transaction starts waiting.
    holding: bool,
    /// Transactions between DATA and its answer now, and the most at once.
    in_data: usize,
    most_in_data: usize,
    /// The user and password a client must log in with, if any.
    login: Option<(String, String)>,
    /// Logins refused.
    refused_logins: usize,
}

/// A server that requires TLS and a login.
pub struct Secured<'a> {
    pub cert_path: &'a str,
    pub key_path: &'a str,
    pub user: &'a str,
    pub password: &'a str,
}

#[derive(Clone)]
pub struct Smtp {
    state: Arc<Mutex<State>>,
    pub port: u16,
}

#[derive(Clone)]
struct Session {
    state: Arc<Mutex<State>>,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
    logged_in: bool,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Session {
    fn log_in(&mut self, user: &str, password: &str) -> Response {
        let mut s = lock(&self.state);
        let right = s
            .login
            .as_ref()
            .is_some_and(|(u, p)| u == user && p == password);
        if right {
            self.logged_in = true;
            response::AUTH_OK
        } else {
            s.refused_logins += 1;
            response::INVALID_CREDENTIALS
        }
    }
}

impl Handler for Session {
    fn auth_plain(&mut self, _authz: &str, user: &str, password: &str) -> Response {
        self.log_in(user, password)
    }

    fn auth_login(&mut self, user: &str, password: &str) -> Response {
        self.log_in(user, password)
    }

    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        if lock(&self.state).login.is_some() && !self.logged_in {
            return response::AUTHENTICATION_REQUIRED;
        }
        self.from = from.to_owned();
        self.to.clear();
        self.data.clear();
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        self.to.push(to.to_owned());
        response::OK
    }

    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> Response {
        let pause = {
            let mut s = lock(&self.state);
            s.transactions += 1;
            s.in_data += 1;
            s.most_in_data = s.most_in_data.max(s.in_data);
            match s.hold {
                Some((from, pause)) if s.transactions >= from => {
                    s.holding = true;
                    Some(pause)
                }
                _ => None,
            }
        };
        if let Some(pause) = pause {
            std::thread::sleep(pause);
        }
        lock(&self.state).in_data -= 1;
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mut s = lock(&self.state);
        if s.refuse > 0 {
            s.refuse -= 1;
            // 421 also closes the connection: mailin keeps a refused
            // transaction in its DATA state otherwise.
            return response::NO_SERVICE;
        }
        s.received.push(Received {
            from: self.from.clone(),
            to: self.to.clone(),
            data: std::mem::take(&mut self.data),
        });
        response::OK
    }
}

impl Smtp {
    /// Starts a server on a free loopback port; it runs until the test ends.
    pub fn start() -> Smtp {
        Self::start_with(None)
    }

    /// Starts a server that offers STARTTLS and takes mail only after a
    /// login. mailin's TLS needs a process-wide rustls provider installed.
    pub fn start_secured(secured: &Secured<'_>) -> Smtp {
        Self::start_with(Some(secured))
    }

    fn start_with(secured: Option<&Secured<'_>>) -> Smtp {
        let listener = TcpListener::bind("127.0.0.1:0").expect("loopback port");
        let port = listener.local_addr().expect("address").port();
        let state = Arc::new(Mutex::new(State {
            login: secured.map(|s| (s.user.to_owned(), s.password.to_owned())),
            ..State::default()
        }));
        let mut server = Server::new(Session {
            state: state.clone(),
            from: String::new(),
            to: Vec::new(),
            data: Vec::new(),
            logged_in: false,
        });
        let ssl = match secured {
            Some(s) => SslConfig::SelfSigned {
                cert_path: s.cert_path.to_owned(),
                key_path: s.key_path.to_owned(),
            },
            None => SslConfig::None,
        };
        server
            .with_name("smtp.test")
            .with_num_threads(64)
            .with_ssl(ssl)
            .expect("TLS settings")
            .with_tcp_listener(listener);
        if secured.is_some() {
            server
                .with_auth(AuthMechanism::Plain)
                .with_auth(AuthMechanism::Login);
        }
        std::thread::spawn(move || {
            if let Err(e) = server.serve() {
                eprintln!("test SMTP server stopped: {e}");
            }
        });
        Smtp { state, port }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Refuse the next `n` messages with 421.
    pub fn refuse_next(&self, n: usize) {
        lock(&self.state).refuse = n;
    }

    /// From the `n`-th transaction on, wait `pause` before accepting DATA.
    pub fn hold_from(&self, n: usize, pause: Duration) {
        lock(&self.state).hold = Some((n, pause));
    }

    /// Stop holding transactions.
    pub fn release(&self) {
        lock(&self.state).hold = None;
    }

    /// How many logins were refused.
    pub fn refused_logins(&self) -> usize {
        lock(&self.state).refused_logins
    }

    /// The most transactions that were at DATA at the same time.
    pub fn most_at_once(&self) -> usize {
        lock(&self.state).most_in_data
    }

    pub fn is_holding(&self) -> bool {
        lock(&self.state).holding
    }

    pub fn received(&self) -> Vec<Received> {
        lock(&self.state).received.clone()
    }

    /// How many times each Message-ID arrived.
    pub fn per_message(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for r in self.received() {
            let (headers, _) = mailparse::parse_headers(&r.data).expect("parsable headers");
            let id = headers.get_first_value("Message-ID").unwrap_or_default();
            *counts.entry(id).or_default() += 1;
        }
        counts
    }

    /// Waits until a held transaction is waiting (at most 20 s); whether one is.
    pub async fn wait_holding(&self) -> bool {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !self.is_holding() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.is_holding()
    }

    /// Waits until at least `n` messages arrived (at most 30 s).
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let got = self.received();
            if got.len() >= n || tokio::time::Instant::now() >= deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
