//! Random valid event histories: a list of small choices is played against
//! real aggregate states through the domain's `decide`, so every recorded
//! event is one the command side could have recorded. Refused commands
//! simply record nothing.

use cma_domain::access::{By, Sections};
use cma_domain::client::{Client, ClientCommand};
use cma_domain::conversation::{Conversation, ConversationCommand};
use cma_domain::diary::{Diary, DiaryCommand};
use cma_domain::file::{FileCommand, StoredFile};
use cma_domain::ids::*;
use cma_domain::invoice::{Invoice, InvoiceCommand, LineInput};
use cma_domain::quote::{Acceptance, Quote, QuoteCommand, QuoteLine};
use cma_domain::schedule::{Schedule, free_slots};
use cma_domain::team::{Branding, StaffMember, Team, TeamCommand};
use cma_domain::testing::fixtures::{self, gbp};
use cma_domain::{Aggregate, Event, EventCodec, Timestamp};
use cma_store::{Actor, EventStore, Expected, Metadata, NewEvent, StreamId};
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// One step of a history: which kind of command, and two choices for it.
pub type Op = (u8, u8, u8);

/// Events ready to append, in the order they were decided.
pub type History = Vec<(StreamId, NewEvent)>;

const KINDS: u8 = 27;

#[derive(Default)]
struct World {
    now: i64,
    teams: Vec<(TeamId, StaffId, Team)>,
    clients: Vec<(ClientId, TeamId, StaffId, Client)>,
    quotes: Vec<(QuoteId, TeamId, StaffId, Quote)>,
    invoices: Vec<(InvoiceId, StaffId, Invoice)>,
    files: Vec<(FileId, StaffId, StoredFile)>,
    conversations: HashMap<ClientId, Conversation>,
    diaries: HashMap<TeamId, Diary>,
    appointments: Vec<(AppointmentId, TeamId, Option<ClientId>)>,
    /// Where each client and team is in the lists above.
    client_at: HashMap<ClientId, usize>,
    team_at: HashMap<TeamId, usize>,
    known_appointments: std::collections::HashSet<AppointmentId>,
    out: History,
}

/// One of the 256 most recent items: the working set a history acts on.
fn pick<T>(items: &[T], choice: u8) -> Option<&T> {
    index(items.len(), choice).map(|i| &items[i])
}

fn index(len: usize, choice: u8) -> Option<usize> {
    (len > 0).then(|| len - 1 - usize::from(choice) % len)
}

fn dec(n: i64, scale: u32) -> Decimal {
    Decimal::new(n, scale)
}

/// The envelope of a domain event recorded at `at` by `actor`.
pub fn envelope(event: &Event, actor: Actor, at: Timestamp) -> NewEvent {
    NewEvent {
        event_id: cma_store::new_event_id(),
        event_type: event.event_type().into(),
        schema_version: event.schema_version(),
        recorded_at: at,
        actor,
        metadata: Metadata {
            correlation_id: Uuid::new_v4(),
            ..Metadata::default()
        },
        payload: event.encode(),
    }
}

impl World {
    fn at(&self) -> Timestamp {
        fixtures::after(self.now)
    }

    /// Decides `command` on `state`; records and folds what it yields.
    fn run<A: Aggregate>(
        &mut self,
        state: &mut A,
        stream: StreamId,
        command: A::Command,
        actor: Actor,
    ) where
        Event: From<A::Event>,
    {
        let Ok(events) = state.decide(command, self.at()) else {
            return;
        };
        for e in events {
            *state = state.clone().evolve(&e);
            let event = Event::from(e);
            self.out
                .push((stream.clone(), envelope(&event, actor, self.at())));
        }
    }

    fn today(&self) -> jiff::civil::Date {
        TimeZone::UTC.to_datetime(self.at().to_jiff()).date()
    }

    fn stream<A: Aggregate>(id: Uuid) -> StreamId {
        StreamId::new(A::CATEGORY, id)
    }

    fn some_team(&self, choice: u8) -> Option<(TeamId, StaffId)> {
        pick(&self.teams, choice).map(|(t, s, _)| (*t, *s))
    }

    fn lines(&self, a: u8, b: u8) -> Vec<QuoteLine> {
        (0..=(a % 3))
            .map(|i| {
                let optional = (b >> i) & 1 == 1;
                QuoteLine {
                    id: LineId::new(),
                    description: format!("Item {i}"),
                    quantity: dec(i64::from(a % 5) + 1, u32::from(b % 2)),
                    unit_price: dec(i64::from(b) * 137 + 5, 2),
                    tax_rate: dec(i64::from(a % 3) * 10, 0),
                    optional,
                    selected: !optional || (b >> 4) & 1 == 1,
                }
            })
            .collect()
    }

    fn play(&mut self, (kind, a, b): Op) {
        self.now += i64::from(a) * 7 * 60 * 1_000_000;
        match kind % KINDS {
            0 => {
                let (team, staff) = (TeamId::new(), StaffId::new());
                let mut state = Team::default();
                let command = TeamCommand::Create {
                    team,
                    business_name: format!("Trade {a}"),
                    owner: StaffMember {
                        staff,
                        name: format!("Owner {b}"),
                        email: format!("owner{}@example.com", team.0.simple()),
                    },
                    time_zone: ["Europe/London", "America/New_York"][usize::from(b % 2)].into(),
                };
                self.run(
                    &mut state,
                    Self::stream::<Team>(team.0),
                    command,
                    Actor::Staff(staff.0),
                );
                self.team_at.insert(team, self.teams.len());
                self.teams.push((team, staff, state));
            }
            1 => {
                let Some((team, staff)) = self.some_team(a) else {
                    return;
                };
                let client = ClientId::new();
                let mut state = Client::default();
                let emails = (0..b % 3)
                    .map(|i| format!("c{i}.{}@example.com", client.0.simple()))
                    .collect();
                let command = ClientCommand::Create {
                    client,
                    team,
                    by: staff,
                    name: format!("Client {b}"),
                    emails,
                };
                self.run(
                    &mut state,
                    Self::stream::<Client>(client.0),
                    command,
                    Actor::Staff(staff.0),
                );
                self.client_at.insert(client, self.clients.len());
                self.clients.push((client, team, staff, state));
            }
            2..=5 => self.client_op(kind % KINDS, a, b),
            6..=13 => self.quote_op(kind % KINDS, a, b),
            14..=17 => self.invoice_or_file_op(kind % KINDS, a, b),
            18 | 19 => self.conversation_op(kind % KINDS, a, b),
            20..=24 => self.diary_op(kind % KINDS, a, b),
            _ => self.team_op(kind % KINDS, a, b),
        }
    }

    fn client_op(&mut self, kind: u8, a: u8, b: u8) {
        let Some(i) = index(self.clients.len(), a) else {
            return;
        };
        let (client, team, staff, mut state) = self.clients[i].clone();
        let command = match kind {
            2 => ClientCommand::AddEmail {
                team,
                by: staff,
                email: format!("extra{b}.{}@example.com", client.0.simple()),
            },
            3 => {
                let Some(email) = pick(&state.emails, b).cloned() else {
                    return;
                };
                ClientCommand::Invite {
                    team,
                    by: staff,
                    email,
                    sections: sections(b | 1),
                }
            }
            4 => ClientCommand::Activate,
            _ if b.is_multiple_of(3) => ClientCommand::ChangeEmailNotifications {
                client,
                on: b.is_multiple_of(2),
            },
            _ => ClientCommand::ChangeAccess {
                team,
                by: staff,
                enabled: Some(!b.is_multiple_of(5)),
                sections: Some(sections(b)),
            },
        };
        let actor = if matches!(
            command,
            ClientCommand::Activate | ClientCommand::ChangeEmailNotifications { .. }
        ) {
            Actor::Client(client.0)
        } else {
            Actor::Staff(staff.0)
        };
        self.run(&mut state, Self::stream::<Client>(client.0), command, actor);
        self.clients[i].3 = state;
    }

    fn portal(&self, client: ClientId) -> Option<cma_domain::access::ClientPortal> {
        self.client_at
            .get(&client)
            .and_then(|i| self.clients[*i].3.portal())
    }

    fn team(&self, team: TeamId) -> Option<&(TeamId, StaffId, Team)> {
        self.team_at.get(&team).map(|i| &self.teams[*i])
    }

    fn zone(&self, team: TeamId) -> TimeZone {
        self.team(team)
            .map_or(TimeZone::UTC, |t| t.2.schedule.zone())
    }

    fn quote_op(&mut self, kind: u8, a: u8, b: u8) {
        if kind == 6 {
            let Some((client, team, staff, _)) = pick(&self.clients, a).cloned() else {
                return;
            };
            let quote = QuoteId::new();
            let mut state = Quote::default();
            let today = self.today();
            let expires_on = b
                .is_multiple_of(3)
                .then(|| today.saturating_add(jiff::Span::new().days(i64::from(b % 4))));
            let command = QuoteCommand::Draft {
                quote,
                team,
                client,
                by: staff,
                title: format!("Quote {b}"),
                currency: gbp(),
                expires_on,
                lines: self.lines(a, b),
            };
            self.run(
                &mut state,
                Self::stream::<Quote>(quote.0),
                command,
                Actor::Staff(staff.0),
            );
            self.quotes.push((quote, team, staff, state));
            return;
        }
        let Some(i) = index(self.quotes.len(), a) else {
            return;
        };
        let (quote, team, staff, mut state) = self.quotes[i].clone();
        let zone = self.zone(team);
        let portal = self.portal(state.client);
        let line = pick(&state.lines, b).map(|l| l.id);
        let (command, actor) = match kind {
            7 => {
                let mut lines = state.lines.clone();
                lines.truncate(usize::from(b % 3) + 1);
                lines.extend(self.lines(b, a).into_iter().take(usize::from(a % 2)));
                (
                    QuoteCommand::Edit {
                        team,
                        by: staff,
                        title: Some(format!("Quote {a}")),
                        expires_on: None,
                        lines: Some(lines),
                    },
                    Actor::Staff(staff.0),
                )
            }
            8 => (
                QuoteCommand::Send { team, by: staff },
                Actor::Staff(staff.0),
            ),
            9 => {
                let (Some(portal), Some(line)) = (portal, line) else {
                    return;
                };
                (
                    QuoteCommand::ToggleLine {
                        team,
                        by: portal,
                        line,
                        selected: !state.is_selected(line),
                        time_zone: zone,
                    },
                    Actor::Client(portal.client.0),
                )
            }
            10 => {
                let Some(line) = line else { return };
                let (by, actor) = acting(portal, b.is_multiple_of(2), staff);
                (
                    QuoteCommand::Comment {
                        team,
                        by,
                        comment: CommentId::new(),
                        line,
                        text: format!("Note {b}"),
                    },
                    actor,
                )
            }
            11 => {
                let Some(portal) = portal else { return };
                let acceptance = Acceptance {
                    team,
                    by: portal,
                    session: SessionId::new(),
                    name: format!("Signer {b}"),
                    signature_png: cma_domain::quote::signature::tiny_png(2, 1),
                    ip: std::net::IpAddr::from([192, 0, 2, b]),
                    user_agent: "test".into(),
                    revision: None,
                    time_zone: zone,
                    login_email: None,
                    login_invite: None,
                };
                (
                    QuoteCommand::Accept(Box::new(acceptance)),
                    Actor::Client(portal.client.0),
                )
            }
            12 => (
                QuoteCommand::Withdraw { team, by: staff },
                Actor::Staff(staff.0),
            ),
            _ => (QuoteCommand::Expire { time_zone: zone }, Actor::System),
        };
        self.run(&mut state, Self::stream::<Quote>(quote.0), command, actor);
        self.quotes[i].3 = state;
    }

    fn invoice_or_file_op(&mut self, kind: u8, a: u8, b: u8) {
        match kind {
            14 => {
                let Some((client, _, staff, _)) = pick(&self.clients, a).cloned() else {
                    return;
                };
                let invoice = InvoiceId::new();
                let mut state = Invoice::default();
                let lines = (0..=b % 2)
                    .map(|i| LineInput {
                        description: format!("Work {i}"),
                        quantity: dec(i64::from(i) + 1, 0),
                        unit_price: dec(i64::from(a) * 100 + 99, 2),
                        tax_rate: dec(20, 0),
                    })
                    .collect();
                let due_on = self
                    .today()
                    .saturating_add(jiff::Span::new().days(i64::from(b % 10)));
                let command = InvoiceCommand::Issue {
                    invoice,
                    client,
                    staff,
                    number: format!("INV-{a}-{b}"),
                    currency: gbp(),
                    due_on,
                    lines,
                };
                self.run(
                    &mut state,
                    Self::stream::<Invoice>(invoice.0),
                    command,
                    Actor::Staff(staff.0),
                );
                self.invoices.push((invoice, staff, state));
            }
            15 => {
                let Some(i) = index(self.invoices.len(), a) else {
                    return;
                };
                let (invoice, staff, mut state) = self.invoices[i].clone();
                if b % 3 == 1 {
                    // The worker's overdue rule (refused before the due day ends).
                    self.run(
                        &mut state,
                        Self::stream::<Invoice>(invoice.0),
                        InvoiceCommand::MarkOverdue {
                            time_zone: TimeZone::UTC,
                        },
                        Actor::System,
                    );
                    self.invoices[i].2 = state;
                    return;
                }
                let due = state.amount_due();
                let amount = if b.is_multiple_of(2) {
                    due
                } else {
                    (due / Decimal::TWO).round_dp(2)
                };
                let paid_on = self.today();
                self.run(
                    &mut state,
                    Self::stream::<Invoice>(invoice.0),
                    InvoiceCommand::RecordPayment {
                        payment: PaymentId::new(),
                        staff,
                        amount,
                        paid_on,
                    },
                    Actor::Staff(staff.0),
                );
                self.invoices[i].2 = state;
            }
            16 => {
                let Some((client, _, staff, _)) = pick(&self.clients, a).cloned() else {
                    return;
                };
                let (by, actor) = acting(self.portal(client), b.is_multiple_of(2), staff);
                let file = FileId::new();
                let mut state = StoredFile::default();
                let command = FileCommand::Upload {
                    file,
                    client,
                    by,
                    name: format!("photo {b}.png"),
                    content_type: "image/png".into(),
                    size: u64::from(a) * 1000 + 1,
                    max_size: 25 << 20,
                    sha256: "ab".repeat(32),
                    storage_key: format!("files/{file}"),
                };
                self.run(
                    &mut state,
                    Self::stream::<StoredFile>(file.0),
                    command,
                    actor,
                );
                self.files.push((file, staff, state));
            }
            _ => {
                let Some(i) = index(self.files.len(), a) else {
                    return;
                };
                let (file, staff, mut state) = self.files[i].clone();
                self.run(
                    &mut state,
                    Self::stream::<StoredFile>(file.0),
                    FileCommand::Remove { staff },
                    Actor::Staff(staff.0),
                );
                self.files[i].2 = state;
            }
        }
    }

    fn conversation_op(&mut self, kind: u8, a: u8, b: u8) {
        let Some((client, _, staff, _)) = pick(&self.clients, a).cloned() else {
            return;
        };
        let (by, actor) = acting(self.portal(client), b.is_multiple_of(2), staff);
        let mut state = self.conversations.remove(&client).unwrap_or_default();
        let command = if kind == 18 {
            ConversationCommand::Post {
                message: MessageId::new(),
                client,
                by,
                text: format!("Hello {b}"),
            }
        } else {
            let Some(up_to) = index(state.messages.len(), b)
                .and_then(|i| state.messages.get(i))
                .map(|m| m.message)
            else {
                self.conversations.insert(client, state);
                return;
            };
            ConversationCommand::MarkRead { client, by, up_to }
        };
        self.run(
            &mut state,
            Self::stream::<Conversation>(client.0),
            command,
            actor,
        );
        self.conversations.insert(client, state);
    }

    fn diary_op(&mut self, kind: u8, a: u8, b: u8) {
        let (team, command, actor) = match kind {
            20 => {
                let Some((client, team, _, _)) = pick(&self.clients, a).cloned() else {
                    return;
                };
                let Some(portal) = self.portal(client) else {
                    return;
                };
                let schedule = self
                    .team(team)
                    .map_or_else(Schedule::default, |t| t.2.schedule.clone());
                let busy = self.diaries.get(&team).map(Diary::busy).unwrap_or_default();
                let slots = free_slots(&schedule, &busy, self.at());
                let Some(slot) = pick(&slots, b) else { return };
                (
                    team,
                    DiaryCommand::Book {
                        appointment: AppointmentId::new(),
                        portal,
                        starts_at: slot.starts_at,
                        schedule,
                    },
                    Actor::Client(client.0),
                )
            }
            21 => {
                let Some((team, staff)) = self.some_team(a) else {
                    return;
                };
                let client = pick(&self.clients, b)
                    .filter(|c| c.1 == team && b.is_multiple_of(2))
                    .map(|c| c.0);
                let starts_at = self.at().plus_seconds(i64::from(b) * 3600);
                let command = DiaryCommand::Add {
                    appointment: AppointmentId::new(),
                    staff,
                    client,
                    title: Some(format!("Visit {b}")),
                    starts_at,
                    ends_at: starts_at.plus_seconds(3600),
                };
                (team, command, Actor::Staff(staff.0))
            }
            _ => {
                let Some((appointment, team, client)) = pick(&self.appointments, a).cloned() else {
                    return;
                };
                let staff = self.team(team).map(|t| t.1).unwrap_or_default();
                match kind {
                    22 => {
                        let (by, actor) = acting(
                            client.and_then(|c| self.portal(c)),
                            b.is_multiple_of(2),
                            staff,
                        );
                        (team, DiaryCommand::Cancel { appointment, by }, actor)
                    }
                    23 => (
                        team,
                        DiaryCommand::CloseCancellationWindow { appointment },
                        Actor::System,
                    ),
                    _ => (team, DiaryCommand::Complete { appointment }, Actor::System),
                }
            }
        };
        let mut state = self.diaries.remove(&team).unwrap_or_default();
        self.run(&mut state, Self::stream::<Diary>(team.0), command, actor);
        for added in state.appointments() {
            if self.known_appointments.insert(added.id) {
                self.appointments.push((added.id, team, added.client));
            }
        }
        self.diaries.insert(team, state);
    }

    fn team_op(&mut self, kind: u8, a: u8, b: u8) {
        let Some(i) = index(self.teams.len(), a) else {
            return;
        };
        let (team, staff, mut state) = self.teams[i].clone();
        let command = if kind == 25 {
            let mut schedule = state.schedule.clone();
            schedule.slot_minutes = [30, 45, 60][usize::from(b % 3)];
            TeamCommand::ChangeSettings {
                by: staff,
                business_name: Some(format!("Trade {b}")),
                branding: Some(Branding {
                    accent_colour: Some(format!("#00aa{b:02x}")),
                    logo: None,
                    tagline: b.is_multiple_of(2).then(|| format!("Since 19{b:02}")),
                }),
                schedule: Some(Box::new(schedule)),
                invite_email: None,
                contact_email: b
                    .is_multiple_of(3)
                    .then(|| format!("office{b}@trade.example")),
            }
        } else if b.is_multiple_of(4) {
            let digest = format!("{:064x}", u32::from(a) << 8 | u32::from(b));
            TeamCommand::ChangeLogo {
                by: staff,
                file: cma_domain::ids::FileId::new(),
                content_type: ["image/png", "image/webp"][usize::from(a % 2)].to_owned(),
                size: u64::from(b) + 1,
                sha256: digest.clone(),
                storage_key: digest,
            }
        } else if b % 4 == 1 {
            TeamCommand::RemoveLogo { by: staff }
        } else {
            let member = StaffId::new();
            TeamCommand::AddStaff {
                by: staff,
                member: StaffMember {
                    staff: member,
                    name: format!("Staff {b}"),
                    email: format!("s{}@example.com", member.0.simple()),
                },
            }
        };
        self.run(
            &mut state,
            Self::stream::<Team>(team.0),
            command,
            Actor::Staff(staff.0),
        );
        self.teams[i].2 = state;
    }
}

/// The client through their portal when there is one and `client_acts`, else staff.
fn acting(
    portal: Option<cma_domain::access::ClientPortal>,
    client_acts: bool,
    staff: StaffId,
) -> (By, Actor) {
    match portal.filter(|_| client_acts) {
        Some(p) => (By::Client(p), Actor::Client(p.client.0)),
        None => (By::Staff(staff), Actor::Staff(staff.0)),
    }
}

fn sections(bits: u8) -> Sections {
    Sections {
        quotes: bits & 1 == 1,
        invoices: bits & 2 == 2,
        files: bits & 4 == 4,
        meetings: bits & 8 == 8,
        messages: bits & 16 != 16,
    }
}

/// The events of a history of `ops`, after a team and a client exist.
pub fn generate(ops: impl IntoIterator<Item = Op>) -> History {
    let mut world = World::default();
    for op in [(0, 0, 0), (1, 0, 1), (3, 0, 0)].into_iter().chain(ops) {
        world.play(op);
    }
    world.out
}

/// Appends a history. Windows of events keep their order; inside a window
/// each stream's events go in one append, the streams concurrently.
pub async fn append(store: &Arc<dyn EventStore>, history: History) {
    const WINDOW: usize = 5_000;
    let mut events = history.into_iter().peekable();
    while events.peek().is_some() {
        let mut by_stream: HashMap<StreamId, Vec<_>> = HashMap::new();
        let mut order = Vec::new();
        for (stream, event) in events.by_ref().take(WINDOW) {
            if !by_stream.contains_key(&stream) {
                order.push(stream.clone());
            }
            by_stream.entry(stream).or_default().push(event);
        }
        let mut tasks = tokio::task::JoinSet::new();
        for stream in order {
            let batch = by_stream.remove(&stream).unwrap_or_default();
            let store = store.clone();
            tasks.spawn(async move { store.append(&stream, Expected::Any, batch).await });
        }
        while let Some(done) = tasks.join_next().await {
            done.expect("append task").expect("append");
        }
    }
}
