//! A real event log and read database in a temporary folder, a business
//! with staff and a client, and a worker running against them.

use cma_domain::access::Sections;
use cma_domain::client::{Client, ClientCommand};
use cma_domain::credentials::{
    Credentials, CredentialsCommand, TokenPurpose, link_token, token_sha256,
};
use cma_domain::ids::{ClientId, StaffId, TeamId};
use cma_domain::team::{StaffMember, Team, TeamCommand};
use cma_domain::{Aggregate, Timestamp};
use cma_store::sqlite::SqliteStore;
use cma_store::{Clock, CommandContext, EventStore, Service};
use cma_workers::email::{RetryPolicy, TransportSettings};
use cma_workers::{ReadDb, WorkerConfig, run_worker};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

pub const SECRET: &[u8] = b"test secret key";
pub const PUBLIC_URL: &str = "https://portal.pipe.test";

pub fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).expect("instant")
}

pub struct Env {
    pub dir: tempfile::TempDir,
    pub store: Arc<dyn EventStore>,
    pub service: Service,
    pub db: ReadDb,
    pub now: Timestamp,
}

pub struct Seed {
    pub team: TeamId,
    pub owner: StaffId,
    pub client: ClientId,
}

impl Env {
    pub async fn sqlite(now: Timestamp) -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let store: Arc<dyn EventStore> = Arc::new(
            SqliteStore::open(&dir.path().join("events.db"))
                .await
                .expect("event log"),
        );
        let db = ReadDb::open_sqlite(&dir.path().join("read.db"))
            .await
            .expect("read db");
        db.migrate().await.expect("migrated");
        Env {
            service: Service::new(store.clone()),
            dir,
            store,
            db,
            now,
        }
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.dir.path().join("outbox")
    }

    pub fn staff(&self, staff: StaffId) -> CommandContext {
        let mut ctx = CommandContext::system(self.now, None);
        ctx.actor = cma_store::Actor::Staff(staff.0);
        ctx
    }

    pub async fn run<A: Aggregate>(
        &self,
        id: uuid::Uuid,
        by: StaffId,
        command: A::Command,
    ) -> Vec<A::Event>
    where
        A::Command: Clone,
    {
        self.service
            .execute::<A>(id, &self.staff(by), command)
            .await
            .map_err(|e| e.to_string())
            .expect("command accepted")
            .events
    }

    /// "Pipe & Co" with its owner Bob and `extra_staff` more, and client Ann.
    pub async fn seed(&self, extra_staff: usize) -> Seed {
        let team = TeamId::new();
        let owner = StaffId::new();
        self.run::<Team>(
            team.0,
            owner,
            TeamCommand::Create {
                team,
                business_name: "Pipe & Co".to_owned(),
                owner: StaffMember {
                    staff: owner,
                    name: "Bob Pipe".to_owned(),
                    email: "bob@pipe.test".to_owned(),
                },
                time_zone: "Europe/London".to_owned(),
            },
        )
        .await;
        for n in 0..extra_staff {
            self.run::<Team>(
                team.0,
                owner,
                TeamCommand::AddStaff {
                    by: owner,
                    member: StaffMember {
                        staff: StaffId::new(),
                        name: format!("Staff {n}"),
                        email: format!("staff{n}@pipe.test"),
                    },
                },
            )
            .await;
        }
        let client = ClientId::new();
        self.run::<Client>(
            client.0,
            owner,
            ClientCommand::Create {
                client,
                team,
                by: owner,
                name: "Ann Client".to_owned(),
                emails: vec!["ann@client.test".to_owned()],
            },
        )
        .await;
        Seed {
            team,
            owner,
            client,
        }
    }

    /// Invites the client as the API does: the link's token is derived
    /// from the secret key, and only its SHA-256 is recorded.
    pub async fn invite(&self, seed: &Seed) -> String {
        self.run::<Client>(
            seed.client.0,
            seed.owner,
            ClientCommand::Invite {
                team: seed.team,
                by: seed.owner,
                email: "ann@client.test".to_owned(),
                sections: Sections::ALL,
            },
        )
        .await;
        let expires_at = self.now.plus_seconds(7 * 24 * 3600);
        let token = link_token(SECRET, TokenPurpose::Invite, seed.client.0, expires_at);
        self.run::<Credentials>(
            seed.client.0,
            seed.owner,
            CredentialsCommand::IssueInvite {
                client: seed.client,
                email: "ann@client.test".to_owned(),
                token_sha256: token_sha256(&token),
                expires_at: Some(expires_at),
                by: seed.owner,
            },
        )
        .await;
        token
    }
}

/// Worker settings for tests: short retries, frequent jobs.
pub fn config(transport: TransportSettings) -> WorkerConfig {
    let mut config = WorkerConfig::new(PUBLIC_URL, SECRET.to_vec(), transport);
    config.email.from_address = "portal@pipe.test".to_owned();
    config.retry = RetryPolicy {
        base: Duration::from_secs(1),
        cap: Duration::from_secs(2),
        max_attempts: 5,
    };
    config.rules_every = Duration::from_secs(1);
    config.poll = Duration::from_millis(100);
    config.claim_for = Duration::from_secs(2);
    config
}

/// A worker running on the test's runtime until stopped.
pub struct Running {
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), cma_workers::WorkerError>>,
}

impl Running {
    pub fn start(env: &Env, config: WorkerConfig, clock: Clock) -> Running {
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(run_worker(
            config,
            env.store.clone(),
            env.db.clone(),
            clock,
            async move {
                let _ = stopped.await;
            },
        ));
        Running {
            stop: Some(stop),
            task,
        }
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task
            .await
            .expect("worker task")
            .expect("worker stopped cleanly");
    }
}

/// The decoded parts of a received message.
pub struct Parsed {
    pub headers: Vec<(String, String)>,
    pub text: String,
    pub html: String,
    pub calendar: Option<(String, String)>,
}

impl Parsed {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    }
}

pub fn parse(data: &[u8]) -> Parsed {
    let mail = mailparse::parse_mail(data).expect("a parsable message");
    let mut parsed = Parsed {
        headers: mail
            .headers
            .iter()
            .map(|h| (h.get_key(), h.get_value()))
            .collect(),
        text: String::new(),
        html: String::new(),
        calendar: None,
    };
    walk(&mail, &mut parsed);
    parsed
}

fn walk(part: &mailparse::ParsedMail<'_>, out: &mut Parsed) {
    if !part.subparts.is_empty() {
        for sub in &part.subparts {
            walk(sub, out);
        }
        return;
    }
    let body = part
        .get_body()
        .expect("decodable body")
        .replace("\r\n", "\n");
    match part.ctype.mimetype.as_str() {
        "text/plain" => out.text = body,
        "text/html" => out.html = body,
        "text/calendar" => {
            let method = part.ctype.params.get("method").cloned().unwrap_or_default();
            out.calendar = Some((method, body));
        }
        other => panic!("unexpected part {other}"),
    }
}
