//! Command latency against a stream's history: the same command on a fresh
//! stream and on a stream with a long history, through the command runner
//! with its kept folded states and without them (every command folds the
//! whole stream), on the embedded SQLite log and on PostgreSQL. Three
//! commands, each with the history it meets in a business that has used the
//! product for years:
//!
//! - a message posted to a client's thread that already holds 50,000;
//! - a client's tick of an optional quote line, on a quote whose lines were
//!   toggled 10,000 times before;
//! - a client's booking (cancelled again before the next one, so the same
//!   slot stays free) in a team's diary that has held 100,000 appointments,
//!   each added and completed (200,000 events).
//!
//! ```text
//! cargo run --release -p cma-store --example command_bench -- [--commands N] [--postgres URL]
//! ```
//! `--postgres` names a server database used to create (and drop) a scratch
//! database; default `postgres://postgres@127.0.0.1:5432/test`. Without kept
//! states a command reads the whole stream, so that column times at most
//! [`WHOLE_FOLD_COMMANDS`] commands per row.

use cma_domain::access::By;
use cma_domain::conversation::{Conversation, ConversationCommand};
use cma_domain::diary::{Diary, DiaryCommand};
use cma_domain::ids::{AppointmentId, ClientId, LineId, MessageId, QuoteId, StaffId, TeamId};
use cma_domain::quote::samples::lines;
use cma_domain::quote::{Quote, QuoteCommand};
use cma_domain::schedule::Schedule;
use cma_domain::testing::fixtures::{gbp, portal};
use cma_domain::{Aggregate, Timestamp};
use cma_store::postgres::PgStore;
use cma_store::service::envelope;
use cma_store::sqlite::SqliteStore;
use cma_store::{CommandContext, EventStore, Expected, Service, StreamId};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

use cma_testkit::bench::{ScratchDb, count, flag};

type Error = Box<dyn std::error::Error>;

/// Events appended per batch while writing a history.
const HISTORY_BATCH: usize = 1_000;

/// Commands timed per row without kept states (each reads the whole stream).
const WHOLE_FOLD_COMMANDS: usize = 20;

/// The past thread messages, quote toggles and diary appointments of the
/// rows after the fresh one.
const THREAD_HISTORY: usize = 50_000;
const QUOTE_HISTORY: usize = 10_000;
const DIARY_HISTORY: usize = 100_000;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let commands = count("--commands", 200)?;
    let server =
        flag("--postgres").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned());

    println!("{commands} commands per row (whole fold: {WHOLE_FOLD_COMMANDS}), one at a time");
    println!(
        "| store | command | history | kept states: p50 ms | p99 ms | × fresh (p50) | whole fold: p50 ms | p99 ms |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let dir = tempfile::tempdir()?;
    let sqlite: Arc<dyn EventStore> =
        Arc::new(SqliteStore::open(&dir.path().join("events.db")).await?);
    compare("SQLite", &sqlite, commands).await?;
    sqlite.close().await;
    let db = ScratchDb::create(&server).await?;
    let postgres: Arc<dyn EventStore> = Arc::new(PgStore::connect(&db.url).await?);
    compare("PostgreSQL", &postgres, commands).await?;
    postgres.close().await;
    db.drop().await?;
    Ok(())
}

/// Every case on one store: a fresh row, then a row with its history.
async fn compare(name: &str, store: &Arc<dyn EventStore>, commands: usize) -> Result<(), Error> {
    rows::<Thread>(name, store, commands).await?;
    rows::<Toggles>(name, store, commands).await?;
    rows::<Bookings>(name, store, commands).await
}

/// A command timed against its stream's history.
trait Case {
    type A: Aggregate<Command: Clone>;
    /// What is timed, and what one unit of history is.
    const COMMAND: &str;
    const UNIT: &str;
    /// The units of history of the second row.
    const PAST: usize;

    /// A new stream's case.
    fn new() -> Self;
    fn stream(&self) -> Uuid;
    /// The commands that make the stream ready for the timed command.
    fn setup(&mut self) -> Vec<Command<Self>>;
    /// The commands of the `k`th unit of history.
    fn past(&mut self, k: usize) -> Vec<Command<Self>>;
    /// The `n`th timed command, and the commands that undo it (not timed).
    fn timed(&mut self, n: usize) -> (Command<Self>, Vec<Command<Self>>);
}

type Command<C> = <<C as Case>::A as Aggregate>::Command;

/// The fresh row and the row with `C::PAST` units of history.
async fn rows<C: Case>(
    name: &str,
    store: &Arc<dyn EventStore>,
    commands: usize,
) -> Result<(), Error> {
    let mut fresh_p50 = None;
    for units in [0, C::PAST] {
        let mut kept = with_history::<C>(store, units).await?;
        let mut whole = with_history::<C>(store, units).await?;
        let with_kept = run(&Service::new(store.clone()), &mut kept, commands).await?;
        let without = run(
            &Service::keeping(store.clone(), 0),
            &mut whole,
            commands.min(WHOLE_FOLD_COMMANDS),
        )
        .await?;
        let p50 = percentile(&with_kept, 50);
        let fresh = *fresh_p50.get_or_insert(p50);
        println!(
            "| {name} | {} | {units} {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            C::COMMAND,
            C::UNIT,
            ms(p50),
            ms(percentile(&with_kept, 99)),
            p50.as_secs_f64() / fresh.as_secs_f64(),
            ms(percentile(&without, 50)),
            ms(percentile(&without, 99)),
        );
    }
    Ok(())
}

/// A new stream of case `C` with `units` units of history, appended in
/// batches as decided by the domain.
async fn with_history<C: Case>(store: &Arc<dyn EventStore>, units: usize) -> Result<C, Error> {
    let mut case = C::new();
    let stream = StreamId::new(C::A::CATEGORY, case.stream());
    let ctx = context();
    let mut state = C::A::default();
    let mut batch = Vec::new();
    let mut commands = case.setup();
    for k in 0..units {
        commands.extend(case.past(k));
        if commands.len() >= HISTORY_BATCH || k + 1 == units {
            for command in commands.drain(..) {
                let events = state
                    .decide(command, ctx.now)
                    .map_err(|e| format!("{e:?}"))?;
                for event in &events {
                    batch.push(envelope(event, Uuid::now_v7(), &ctx));
                }
                state = events.iter().fold(state, C::A::evolve);
            }
            store
                .append(&stream, Expected::Any, std::mem::take(&mut batch))
                .await?;
        }
    }
    for command in commands {
        let events = state
            .decide(command, ctx.now)
            .map_err(|e| format!("{e:?}"))?;
        batch.extend(events.iter().map(|e| envelope(e, Uuid::now_v7(), &ctx)));
        state = events.iter().fold(state, C::A::evolve);
    }
    if !batch.is_empty() {
        store.append(&stream, Expected::Any, batch).await?;
    }
    Ok(case)
}

/// Runs `commands` timed commands one after another (each followed by its
/// untimed undoing); each one's latency, sorted.
async fn run<C: Case>(
    service: &Service,
    case: &mut C,
    commands: usize,
) -> Result<Vec<Duration>, Error> {
    let ctx = context();
    let mut took = Vec::with_capacity(commands);
    for n in 0..commands {
        let (command, undo) = case.timed(n);
        let started = Instant::now();
        service
            .execute::<C::A>(case.stream(), &ctx, command)
            .await
            .map_err(|e| e.to_string())?;
        took.push(started.elapsed());
        for command in undo {
            service
                .execute::<C::A>(case.stream(), &ctx, command)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    took.sort();
    Ok(took)
}

/// Messages posted by staff to a client's thread.
struct Thread {
    client: ClientId,
}

impl Case for Thread {
    type A = Conversation;
    const COMMAND: &str = "message post";
    const UNIT: &str = "past messages";
    const PAST: usize = THREAD_HISTORY;

    fn new() -> Self {
        Thread {
            client: ClientId::new(),
        }
    }

    fn stream(&self) -> Uuid {
        self.client.0
    }

    fn setup(&mut self) -> Vec<ConversationCommand> {
        Vec::new()
    }

    fn past(&mut self, _: usize) -> Vec<ConversationCommand> {
        vec![self.post()]
    }

    fn timed(&mut self, _: usize) -> (ConversationCommand, Vec<ConversationCommand>) {
        (self.post(), Vec::new())
    }
}

impl Thread {
    fn post(&self) -> ConversationCommand {
        ConversationCommand::Post {
            message: MessageId::new(),
            client: self.client,
            by: By::Staff(StaffId::new()),
            text: "The boiler arrives on Tuesday morning.".to_owned(),
        }
    }
}

/// A client ticking and unticking a sent quote's optional line.
struct Toggles {
    quote: QuoteId,
    team: TeamId,
    client: ClientId,
    /// Whether the optional line is chosen now.
    selected: bool,
}

impl Case for Toggles {
    type A = Quote;
    const COMMAND: &str = "quote line toggle";
    const UNIT: &str = "past toggles";
    const PAST: usize = QUOTE_HISTORY;

    fn new() -> Self {
        Toggles {
            quote: QuoteId::new(),
            team: TeamId::new(),
            client: ClientId::new(),
            selected: false,
        }
    }

    fn stream(&self) -> Uuid {
        self.quote.0
    }

    fn setup(&mut self) -> Vec<QuoteCommand> {
        let staff = StaffId::new();
        vec![
            QuoteCommand::Draft {
                quote: self.quote,
                team: self.team,
                client: self.client,
                by: staff,
                title: "Boiler replacement".to_owned(),
                currency: gbp(),
                expires_on: None,
                lines: lines(),
            },
            QuoteCommand::Send {
                team: self.team,
                by: staff,
            },
        ]
    }

    fn past(&mut self, _: usize) -> Vec<QuoteCommand> {
        vec![self.toggle()]
    }

    fn timed(&mut self, _: usize) -> (QuoteCommand, Vec<QuoteCommand>) {
        (self.toggle(), Vec::new())
    }
}

impl Toggles {
    /// Flips the optional line.
    fn toggle(&mut self) -> QuoteCommand {
        self.selected = !self.selected;
        QuoteCommand::ToggleLine {
            team: self.team,
            by: portal(self.client),
            line: optional_line(),
            selected: self.selected,
            time_zone: jiff::tz::TimeZone::UTC,
        }
    }
}

/// The optional line of the sample quote.
fn optional_line() -> LineId {
    lines()
        .into_iter()
        .find(|line| line.optional)
        .map_or(LineId(Uuid::nil()), |line| line.id)
}

/// A client booking a slot in a team's diary and cancelling it; the past
/// appointments were added by staff and have ended.
struct Bookings {
    team: TeamId,
    client: ClientId,
}

impl Case for Bookings {
    type A = Diary;
    const COMMAND: &str = "meeting booking";
    const UNIT: &str = "past appointments";
    const PAST: usize = DIARY_HISTORY;

    fn new() -> Self {
        Bookings {
            team: TeamId::new(),
            client: ClientId::new(),
        }
    }

    fn stream(&self) -> Uuid {
        self.team.0
    }

    fn setup(&mut self) -> Vec<DiaryCommand> {
        Vec::new()
    }

    /// Appointment `k` ended `k` hours before the context's instant.
    fn past(&mut self, k: usize) -> Vec<DiaryCommand> {
        let appointment = AppointmentId::new();
        let ends_at = context()
            .now
            .plus_seconds(-3600 * i64::try_from(k).unwrap_or(0));
        vec![
            DiaryCommand::Add {
                appointment,
                staff: StaffId::new(),
                client: Some(self.client),
                title: None,
                starts_at: ends_at.plus_seconds(-1800),
                ends_at,
            },
            DiaryCommand::Complete { appointment },
        ]
    }

    /// Monday 18 January 2027, 09:00 in London, three days ahead.
    fn timed(&mut self, _: usize) -> (DiaryCommand, Vec<DiaryCommand>) {
        let appointment = AppointmentId::new();
        let monday = context().now.plus_seconds(3 * 86_400 + 3600);
        (
            DiaryCommand::Book {
                appointment,
                portal: portal(self.client),
                starts_at: monday,
                schedule: Schedule::default(),
            },
            vec![DiaryCommand::Cancel {
                appointment,
                by: By::Client(portal(self.client)),
            }],
        )
    }
}

/// The context at a fixed instant (Friday 15 January 2027, 08:00 UTC).
fn context() -> CommandContext {
    let now = Timestamp::from_micros(1_800_000_000_000_000).unwrap_or(Timestamp::UNIX_EPOCH);
    CommandContext::system(now, None)
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted
        .get((sorted.len() * p / 100).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
