//! A real event log and read database in a temporary folder, a business
//! with staff and a client, and a worker running against them.

use cma_domain::access::{By, ClientPortal, Sections};
use cma_domain::client::{Client, ClientCommand};
use cma_domain::conversation::{Conversation, ConversationCommand};
use cma_domain::credentials::{
    Credentials, CredentialsCommand, TokenPurpose, link_token, token_sha256,
};
use cma_domain::diary::{Diary, DiaryCommand, DiaryEvent};
use cma_domain::file::{FileCommand, StoredFile};
use cma_domain::ids::{
    AppointmentId, ClientId, FileId, LineId, MessageId, QuoteId, StaffId, TeamId,
};
use cma_domain::quote::{Quote, QuoteCommand, QuoteLine};
use cma_domain::schedule::Schedule;
use cma_domain::team::{StaffMember, Team, TeamCommand};
pub use cma_domain::testing::fixtures::at;
use cma_domain::testing::fixtures::gbp;
use cma_domain::{Aggregate, Timestamp};
use cma_store::postgres::PgStore;
use cma_store::sqlite::SqliteStore;
use cma_store::{Clock, CommandContext, EventStore, Service};
use cma_testkit::smtp::Smtp;
use cma_workers::email::{EmailSummary, RetryPolicy, TransportSettings};
use cma_workers::{ReadDb, Tail, WorkerConfig, run_worker};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

pub const SECRET: &[u8] = b"test secret key";
pub const PUBLIC_URL: &str = "https://portal.pipe.test";

pub struct Env {
    pub dir: tempfile::TempDir,
    pub store: Arc<dyn EventStore>,
    pub service: Service,
    pub db: ReadDb,
    pub now: Timestamp,
    /// The PostgreSQL database of a PostgreSQL environment.
    pub postgres: Option<PgDatabase>,
}

pub struct Seed {
    pub team: TeamId,
    pub owner: StaffId,
    pub client: ClientId,
}

impl Seed {
    /// The client's portal, open with every section on.
    pub fn portal(&self) -> ClientPortal {
        ClientPortal {
            client: self.client,
            enabled: true,
            sections: Sections::ALL,
        }
    }
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
            postgres: None,
        }
    }

    /// The event log and the read database in one fresh PostgreSQL database.
    pub async fn postgres(now: Timestamp) -> Env {
        logs();
        let database = PgDatabase::create().await;
        let (store, db) = database.open().await;
        db.migrate().await.expect("migrated");
        Env {
            service: Service::new(store.clone()),
            dir: tempfile::tempdir().expect("temp dir"),
            store,
            db,
            now,
            postgres: Some(database),
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
        self.invite_at(seed, "ann@client.test", 7 * 24 * 3600).await
    }

    /// Invites the client at `email` with a link valid for `seconds`: the
    /// link's token.
    pub async fn invite_at(&self, seed: &Seed, email: &str, seconds: i64) -> String {
        self.run::<Client>(
            seed.client.0,
            seed.owner,
            ClientCommand::Invite {
                team: seed.team,
                by: seed.owner,
                email: email.to_owned(),
                sections: Sections::ALL,
            },
        )
        .await;
        let expires_at = self.now.plus_seconds(seconds);
        let token = link_token(SECRET, TokenPurpose::Invite, seed.client.0, expires_at);
        self.run::<Credentials>(
            seed.client.0,
            seed.owner,
            CredentialsCommand::IssueInvite {
                client: seed.client,
                email: email.to_owned(),
                token_sha256: token_sha256(&token),
                expires_at: Some(expires_at),
                by: seed.owner,
            },
        )
        .await;
        token
    }

    /// Ann uploads a file through the portal: an email to every staff member.
    pub async fn client_upload(&self, seed: &Seed) {
        self.upload(seed, By::Client(seed.portal()), "plan.pdf")
            .await;
    }

    /// The seed's client books the slot starting at `starts_at` of the
    /// default schedule.
    pub async fn book(&self, seed: &Seed, appointment: AppointmentId, starts_at: &str) {
        let book = DiaryCommand::Book {
            appointment,
            portal: seed.portal(),
            starts_at: at(starts_at),
            schedule: Schedule::default(),
        };
        self.run::<Diary>(seed.team.0, seed.owner, book).await;
    }

    /// The team's diary as its events leave it.
    pub async fn diary(&self, team: TeamId) -> Diary {
        let loaded = self.service.load::<Diary>(team.0).await;
        loaded.expect("diary").state
    }

    /// A PDF of 10 bytes named `name`, uploaded for the seed's client `by`
    /// a staff member or the client.
    pub async fn upload(&self, seed: &Seed, by: By, name: &str) {
        let file = FileId::new();
        let upload = FileCommand::Upload {
            file,
            client: seed.client,
            by,
            name: name.to_owned(),
            content_type: "application/pdf".to_owned(),
            size: 10,
            max_size: 1024,
            sha256: "0".repeat(64),
            storage_key: "k".to_owned(),
        };
        self.run::<StoredFile>(file.0, seed.owner, upload).await;
    }

    /// The owner drafts the quote `title` in GBP for the seed's client,
    /// expiring on `expires_on` if that is some day, and sends it: its id.
    pub async fn sent_quote(
        &self,
        seed: &Seed,
        title: &str,
        expires_on: Option<jiff::civil::Date>,
        lines: Vec<QuoteLine>,
    ) -> QuoteId {
        let quote = QuoteId::new();
        let draft = QuoteCommand::Draft {
            quote,
            team: seed.team,
            client: seed.client,
            by: seed.owner,
            title: title.to_owned(),
            currency: gbp(),
            expires_on,
            lines,
        };
        self.run::<Quote>(quote.0, seed.owner, draft).await;
        let send = QuoteCommand::Send {
            team: seed.team,
            by: seed.owner,
        };
        self.run::<Quote>(quote.0, seed.owner, send).await;
        quote
    }

    /// A message on the seed's client's thread, `by` a staff member or the client.
    pub async fn post_message(&self, seed: &Seed, by: By, text: &str) {
        let post = ConversationCommand::Post {
            message: MessageId::new(),
            client: seed.client,
            by,
            text: text.to_owned(),
        };
        self.run::<Conversation>(seed.client.0, seed.owner, post)
            .await;
    }
}

/// A business on SQLite at `now` with `extra_staff` staff members besides
/// its owner, and its client invited to the portal.
pub async fn invited(now: &str, extra_staff: usize) -> (Env, Seed) {
    let env = Env::sqlite(at(now)).await;
    let seed = env.seed(extra_staff).await;
    env.invite(&seed).await;
    (env, seed)
}

/// Asserts that `email` waits to be sent again after an error that says `error`.
pub fn assert_pending_after(email: &EmailSummary, error: &str) {
    assert_eq!(email.state, "pending", "{email:?}");
    let said = email.last_error.as_deref().unwrap_or_default();
    assert!(said.contains(error), "{:?}", email.last_error);
}

/// A required quote line: one of `description` at `unit_price`, taxed at
/// `tax_rate` percent.
pub fn required_line(description: &str, unit_price: i64, tax_rate: i64) -> QuoteLine {
    QuoteLine {
        id: LineId::new(),
        description: description.to_owned(),
        quantity: Decimal::ONE,
        unit_price: Decimal::from(unit_price),
        tax_rate: Decimal::from(tax_rate),
        optional: false,
        selected: true,
    }
}

/// Shows the worker's logs in failing tests' output.
pub fn logs() {
    let _already = tracing_subscriber::fmt().with_test_writer().try_init();
}

/// The server every PostgreSQL test creates its database on.
const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A fresh PostgreSQL database, dropped when this is dropped.
pub struct PgDatabase {
    pub url: String,
    name: String,
}

impl PgDatabase {
    /// Creates it; fails (never skips) when PostgreSQL is unreachable.
    async fn create() -> PgDatabase {
        let name = format!("cma_w_{}", uuid::Uuid::new_v4().simple());
        pg_admin(&format!("CREATE DATABASE {name}")).await;
        PgDatabase {
            url: format!("postgres://postgres@127.0.0.1:5432/{name}"),
            name,
        }
    }

    /// A new event store and read database on it, with connections of
    /// their own, as another process would have.
    pub async fn open(&self) -> (Arc<dyn EventStore>, ReadDb) {
        open_postgres(self.url.clone()).await
    }
}

pub async fn open_postgres(url: String) -> (Arc<dyn EventStore>, ReadDb) {
    let store = PgStore::connect(&url).await.expect("event log");
    let db = ReadDb::connect_postgres(&url).await.expect("read db");
    (Arc::new(store), db)
}

pub async fn open_sqlite(events: PathBuf, read: PathBuf) -> (Arc<dyn EventStore>, ReadDb) {
    let store = SqliteStore::open(&events).await.expect("event log");
    let db = ReadDb::open_sqlite(&read).await.expect("read db");
    (Arc::new(store), db)
}

/// A worker on a runtime of its own, with connections of its own opened by
/// `open`, so that dropping the runtime ends it at once, mid-conversation,
/// like a crash.
pub fn start_process(
    open: impl Future<Output = (Arc<dyn EventStore>, ReadDb)> + Send + 'static,
    config: WorkerConfig,
    clock: Clock,
) -> tokio::runtime::Runtime {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.spawn(async move {
        let (store, db) = open.await;
        let service = Arc::new(Service::new(store.clone()));
        run_worker(
            config,
            Tail::of(&store),
            service,
            db,
            clock,
            std::future::pending(),
        )
        .await
    });
    runtime
}

async fn pg_admin(statement: &str) {
    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect(PG_ADMIN)
        .await
        .expect("PostgreSQL must be reachable at 127.0.0.1:5432 (user postgres, database test)");
    sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_owned()))
        .execute(&mut admin)
        .await
        .expect(statement);
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map(|rt| rt.block_on(pg_admin(&statement)))
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

/// How many times each appointment's cancellation window was closed.
pub async fn windows_closed(env: &Env, team: TeamId) -> BTreeMap<AppointmentId, usize> {
    let mut closed = BTreeMap::new();
    for recorded in env
        .store
        .read_stream(&Service::stream::<Diary>(team.0))
        .await
        .expect("diary read")
    {
        if let Ok(DiaryEvent::WindowClosed(e)) = recorded.decode::<DiaryEvent>() {
            *closed.entry(e.appointment).or_default() += 1;
        }
    }
    closed
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
    config.claim_for = Duration::from_secs(6);
    config
}

/// A worker running on the test's runtime until stopped.
pub struct Running {
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), cma_workers::WorkerError>>,
}

impl Running {
    pub fn start(env: &Env, config: WorkerConfig, clock: Clock) -> Running {
        Self::start_on(env.store.clone(), env.db.clone(), config, clock)
    }

    /// A worker on `env` with the test settings, sending through `smtp`,
    /// its clock starting at `env.now`.
    pub fn sending_to(env: &Env, smtp: &Smtp) -> Running {
        Self::start(
            env,
            config(TransportSettings::smtp(smtp.url())),
            Clock::starting_at(env.now),
        )
    }

    /// A worker on its own store and read database.
    pub fn start_on(
        store: Arc<dyn EventStore>,
        db: ReadDb,
        config: WorkerConfig,
        clock: Clock,
    ) -> Running {
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(run_worker(
            config,
            Tail::of(&store),
            Arc::new(Service::new(store.clone())),
            db,
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

    /// Ends the worker's task at once, wherever it is.
    pub fn kill(self) {
        self.task.abort();
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
