//! A real SMTP server on loopback (mailin-embedded) that records what it
//! accepts, and can refuse the next messages or hold a transaction open.
//! The API's HTTP tests use it too.

use mailin_embedded::{Handler, Response, Server, SslConfig, response};
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
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Handler for Session {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
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
        let listener = TcpListener::bind("127.0.0.1:0").expect("loopback port");
        let port = listener.local_addr().expect("address").port();
        let state = Arc::new(Mutex::new(State::default()));
        let mut server = Server::new(Session {
            state: state.clone(),
            from: String::new(),
            to: Vec::new(),
            data: Vec::new(),
        });
        server
            .with_name("smtp.test")
            .with_num_threads(16)
            .with_ssl(SslConfig::None)
            .expect("no TLS")
            .with_tcp_listener(listener);
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
