//! The email follower: turns each event of docs/product.md §9.1 into one outbox row
//! per recipient, in the transaction that moves its checkpoint. Re-reading
//! an event (after a crash before the commit) inserts nothing new: rows are
//! unique by (event id, recipient).

use super::compose::notify::{self, Update};
use super::compose::{self, access, booking, message, quote, upload};
use super::dkim::Dkim;
use super::draft::Draft;
use super::facts::{BatchStates, Facts, client_address};
use super::message::{Built, build, message_id};
use super::outbox::{self, NewEmail};
use async_trait::async_trait;
use cma_domain::Event;
use cma_domain::access::Author;
use cma_domain::client::Client;
use cma_domain::conversation::{ConversationEvent, MessagePosted};
use cma_domain::credentials::{
    Credentials, CredentialsEvent, Principal, TokenPurpose, link_token, token_sha256,
};
use cma_domain::diary::{Diary, DiaryEvent};
use cma_domain::file::FileEvent;
use cma_domain::ids::{AppointmentId, ClientId, TeamId};
use cma_domain::invoice::{Invoice, InvoiceEvent};
use cma_domain::quote::{Quote, QuoteEvent};
use cma_domain::team::Team;
use cma_domain::{Timestamp, access::Section};
use cma_projections::projector::{decode_event, stream_id};
use cma_projections::tx::{Fields, Kind, Tx};
use cma_projections::{ProjectionError, Projector, TableNames};
use cma_store::{Clock, Recorded, Service};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// What the emails link to and come from.
#[derive(Clone, Debug)]
pub struct EmailSettings {
    /// Base of links in emails (`CMA_PUBLIC_URL`), without a trailing `/`.
    pub public_url: String,
    /// The deployment's secret key: link tokens are derived from it.
    pub secret_key: Vec<u8>,
    /// The From address (`CMA_EMAIL_FROM`); the display name is the business's.
    pub from_address: String,
    /// Signs every message, when configured.
    pub dkim: Option<Dkim>,
    /// At most one new-message email per thread and side in this period.
    pub quiet_period: Duration,
    /// An email whose event is older than this when the worker first sees
    /// it is recorded as not sent and never sent, so a worker started on an
    /// existing log does not email its history.
    pub horizon: Duration,
}

/// The From address unless configured otherwise: fine for the outbox
/// folder, refused or junked by real mail servers.
pub const DEFAULT_FROM: &str = "portal@localhost";

/// The new-message quiet period unless configured otherwise.
pub const DEFAULT_QUIET_PERIOD: Duration = Duration::from_secs(15 * 60);

/// Whether `text` is an email address the worker can send from or to.
pub fn check_address(text: &str) -> Result<String, String> {
    let text = text.trim();
    text.parse::<lettre::Address>()
        .map(|a| a.to_string())
        .map_err(|e| format!("{text:?} is not an email address: {e}"))
}

/// The email horizon unless configured otherwise.
pub const DEFAULT_HORIZON: Duration = Duration::from_secs(24 * 3600);

/// Why an email beyond the horizon was not sent (its `last_error`).
pub const BEYOND_HORIZON: &str =
    "not sent: its event was older than the worker's email horizon when first seen";

pub struct EmailEnqueuer {
    service: Arc<Service>,
    settings: Arc<EmailSettings>,
    clock: Clock,
}

impl EmailEnqueuer {
    pub const NAME: &'static str = "email_outbox";

    pub fn new(service: Arc<Service>, settings: Arc<EmailSettings>, clock: Clock) -> Self {
        Self {
            service,
            settings,
            clock,
        }
    }

    /// What `event` asks of the outbox, worked out from the log: reads
    /// the log, writes nothing.
    async fn plan(
        &self,
        recorded: &Recorded,
        event: Event,
        batch: &BatchStates,
    ) -> Result<Plan, ProjectionError> {
        let facts = Facts {
            service: &self.service,
            position: recorded.position,
            batch,
        };
        match event {
            Event::Conversation(ConversationEvent::Posted(e)) => self.new_message(&facts, e).await,
            Event::Quote(QuoteEvent::Sent(_)) => {
                let quote = facts.load::<Quote>(stream_id::<Uuid>(recorded)?).await?;
                let update = Update::QuoteSent {
                    quote: quote.id,
                    title: quote.title.clone(),
                    revised: quote.revision > 1,
                };
                self.portal_update(&facts, quote.client, Section::Quotes, update)
                    .await
            }
            Event::Invoice(InvoiceEvent::Issued(e)) => {
                let update = Update::InvoiceIssued {
                    invoice: e.invoice,
                    number: e.number.clone(),
                };
                self.portal_update(&facts, e.client, Section::Invoices, update)
                    .await
            }
            Event::Invoice(InvoiceEvent::BecameOverdue(e)) => {
                let invoice = facts.load::<Invoice>(e.invoice.0).await?;
                let Some(issued) = invoice.issued.clone() else {
                    return Ok(Plan::NOTHING);
                };
                // A notice the worker records long after the due day (it was
                // down, or first met an old log) is not sent late.
                if let Some((_, team)) = facts.client(issued.client).await? {
                    let from = invoice.overdue_from(&team.schedule.zone());
                    let horizon = micros(self.settings.horizon);
                    if from.is_some_and(|from| {
                        e.at.as_micros().saturating_sub(from.as_micros()) > horizon
                    }) {
                        tracing::info!(
                            position = recorded.position,
                            "overdue notice beyond the email horizon; not sent"
                        );
                        return Ok(Plan::NOTHING);
                    }
                }
                let update = Update::InvoiceOverdue {
                    invoice: e.invoice,
                    number: issued.number.clone(),
                };
                self.portal_update(&facts, issued.client, Section::Invoices, update)
                    .await
            }
            Event::File(FileEvent::Uploaded(e)) if matches!(e.by, Author::Staff(_)) => {
                let update = Update::FileShared {
                    name: e.name.clone(),
                };
                self.portal_update(&facts, e.client, Section::Files, update)
                    .await
            }
            event => Ok(Plan::Emails(self.drafts(&facts, recorded, event).await?)),
        }
    }

    /// The emails `event` asks for as they are (no quiet period joins them).
    async fn drafts(
        &self,
        facts: &Facts<'_>,
        recorded: &Recorded,
        event: Event,
    ) -> Result<Vec<Draft>, ProjectionError> {
        match event {
            Event::Credentials(CredentialsEvent::InviteIssued(e)) => {
                let login = stream_id::<Uuid>(recorded)?;
                let Some((link, _)) = self
                    .live_link(
                        facts,
                        TokenPurpose::Invite,
                        login,
                        &e.token_sha256,
                        e.expires_at,
                    )
                    .await?
                else {
                    return Ok(vec![]);
                };
                let Some((client, team)) = facts.client(e.client).await? else {
                    return Ok(vec![]);
                };
                let staff = team
                    .member(e.by)
                    .map_or(team.business_name.as_str(), |m| &m.name);
                Ok(vec![access::invite(
                    &team,
                    &client.name,
                    staff,
                    &e.email,
                    &link,
                )])
            }
            Event::Credentials(CredentialsEvent::ResetIssued(e)) => {
                let login = stream_id::<Uuid>(recorded)?;
                let Some((link, credentials)) = self
                    .live_link(
                        facts,
                        TokenPurpose::Reset,
                        login,
                        &e.token_sha256,
                        e.expires_at,
                    )
                    .await?
                else {
                    return Ok(vec![]);
                };
                let (name, team) = match credentials.principal {
                    Some(Principal::Client(id)) => match facts.client(id).await? {
                        Some((client, team)) => (client.name, team),
                        None => return Ok(vec![]),
                    },
                    Some(Principal::Staff { staff, team }) => match facts.team(team).await? {
                        Some(team) => (
                            team.member(staff)
                                .map_or_else(String::new, |m| m.name.clone()),
                            team,
                        ),
                        None => return Ok(vec![]),
                    },
                    None => return Ok(vec![]),
                };
                Ok(vec![access::reset(
                    &team,
                    &name,
                    &credentials.email,
                    &link,
                    e.expires_at,
                )])
            }
            Event::Credentials(CredentialsEvent::PasswordSet(_)) => {
                let login = stream_id::<Uuid>(recorded)?;
                let before = facts
                    .load_before::<Credentials>(login, recorded.version)
                    .await?;
                let (Some(previous), Some(Principal::Client(client))) =
                    (before.repointed_from(), before.principal)
                else {
                    return Ok(vec![]);
                };
                Ok(match facts.client(client).await? {
                    Some((client, team)) => vec![access::sign_in_email_changed(
                        &team,
                        &client.name,
                        previous,
                        &before.email,
                    )],
                    None => vec![],
                })
            }
            Event::File(FileEvent::Uploaded(e)) if matches!(e.by, Author::Client(_)) => {
                Ok(match facts.client(e.client).await? {
                    Some((client, team)) => vec![upload::client_upload(
                        &team,
                        &client.name,
                        client_address(&client),
                        &e,
                    )],
                    None => vec![],
                })
            }
            Event::Diary(DiaryEvent::Booked(e)) => {
                self.booking(facts, recorded, e.appointment, Some(e.client), false)
                    .await
            }
            Event::Diary(DiaryEvent::Added(e)) if e.client.is_some() => {
                self.booking(facts, recorded, e.appointment, e.client, false)
                    .await
            }
            Event::Diary(DiaryEvent::Cancelled(e)) => {
                self.booking(facts, recorded, e.appointment, None, true)
                    .await
            }
            Event::Quote(QuoteEvent::Accepted(e)) => {
                let quote = facts.load::<Quote>(stream_id::<Uuid>(recorded)?).await?;
                let Some((client, team)) = facts.client(quote.client).await? else {
                    return Ok(vec![]);
                };
                let certificate = format!(
                    "{}/api/v1/audit/quotes/{}/certificate",
                    self.settings.public_url, quote.id
                );
                Ok(vec![quote::accepted(
                    &team,
                    &client.name,
                    client_address(&client),
                    &quote,
                    &e,
                    &certificate,
                )])
            }
            _ => Ok(vec![]),
        }
    }

    /// The link of an issued token, and the login's credentials, if the
    /// token matches the event and is still the login's one usable link (a
    /// later link or a set password makes this one dead, and a dead link is
    /// not worth an email).
    async fn live_link(
        &self,
        facts: &Facts<'_>,
        purpose: TokenPurpose,
        login: Uuid,
        token_sha: &str,
        expires_at: Timestamp,
    ) -> Result<Option<(String, Credentials)>, ProjectionError> {
        let token = link_token(&self.settings.secret_key, purpose, login, expires_at);
        if token_sha256(&token) != token_sha {
            tracing::error!(
                position = facts.position,
                "the link of this event was not issued with this worker's secret key; \
                 no email sent (check CMA_SECRET_KEY)"
            );
            return Ok(None);
        }
        let credentials = facts.load::<Credentials>(login).await?;
        let live = credentials
            .pending
            .as_ref()
            .is_some_and(|p| p.purpose == purpose && p.token_sha256 == token_sha);
        if !live {
            tracing::info!(
                position = facts.position,
                "link already replaced or used; no email sent"
            );
            return Ok(None);
        }
        let page = match purpose {
            TokenPurpose::Invite => "set-password",
            TokenPurpose::Reset => "reset",
        };
        let link = format!("{}/portal/{page}?token={token}", self.settings.public_url);
        Ok(Some((link, credentials)))
    }

    async fn booking(
        &self,
        facts: &Facts<'_>,
        recorded: &Recorded,
        appointment: AppointmentId,
        client: Option<ClientId>,
        cancelled: bool,
    ) -> Result<Vec<Draft>, ProjectionError> {
        let team_id = TeamId(stream_id::<Uuid>(recorded)?);
        let diary = facts.load::<Diary>(team_id.0).await?;
        let Some(found) = diary.appointment(appointment) else {
            return Ok(vec![]);
        };
        let Some(client_id) = client.or(found.client) else {
            return Ok(vec![]);
        };
        let Some((client, team)) = facts.client(client_id).await? else {
            return Ok(vec![]);
        };
        let details = booking::Booking {
            appointment,
            starts_at: found.starts_at,
            ends_at: found.ends_at,
            title: found.title.as_deref(),
            client_name: &client.name,
            client_email: client_address(&client),
            recorded_at: recorded.event.recorded_at,
            organizer_email: &self.settings.from_address,
        };
        Ok(if cancelled {
            booking::cancelled(&team, &details)
        } else {
            booking::confirmed(&team, &details)
        })
    }

    /// A message tells the other side (unless that side had one from this
    /// thread within the quiet period: the writing half looks).
    async fn new_message(
        &self,
        facts: &Facts<'_>,
        posted: MessagePosted,
    ) -> Result<Plan, ProjectionError> {
        let Some((client, team)) = facts.client(posted.client).await? else {
            return Ok(Plan::NOTHING);
        };
        let (draft, side) = match posted.author {
            Author::Client(_) => (
                compose::message::to_staff(
                    &team,
                    &client.name,
                    client_address(&client),
                    &posted.text,
                ),
                "staff",
            ),
            Author::Staff(_) => {
                let reachable = client
                    .portal()
                    .is_some_and(|p| p.require(Section::Messages).is_ok());
                match client_address(&client).filter(|_| reachable) {
                    Some(to) => (
                        message::to_client(
                            &team,
                            to,
                            &posted.text,
                            &format!("{}/portal/messages", self.settings.public_url),
                        ),
                        "client",
                    ),
                    None => return Ok(Plan::NOTHING),
                }
            }
        };
        Ok(Plan::Message {
            draft: Box::new(draft),
            client: posted.client,
            side,
        })
    }

    /// Something waits for the client in `section` of their portal: they
    /// hear of it if the portal is theirs (invited, not suspended) with that
    /// section on, they have an address and they let the business email
    /// them about updates.
    async fn portal_update(
        &self,
        facts: &Facts<'_>,
        client: ClientId,
        section: Section,
        update: Update,
    ) -> Result<Plan, ProjectionError> {
        let Some((client, team)) = facts.client(client).await? else {
            return Ok(Plan::NOTHING);
        };
        let reachable = client.portal().is_some_and(|p| p.require(section).is_ok());
        let Some(to) = client_address(&client).filter(|_| reachable) else {
            return Ok(Plan::NOTHING);
        };
        if !notifications_on(&client) {
            return Ok(Plan::NOTHING);
        }
        Ok(Plan::Update {
            to: to.to_owned(),
            client: client.id,
            team: Box::new(team),
            update,
        })
    }
}

/// What one event asks of the outbox, worked out from the log before the
/// batch's transaction begins: the read database has one writer, held by
/// a transaction from its first statement, and is never held while the
/// log is read (a worker catching up with a long log would otherwise keep
/// the projectors, and the reads that wait for them, waiting).
enum Plan {
    /// Emails to put in the outbox as they are (none: nothing to do).
    Emails(Vec<Draft>),
    /// A new-message email for `side` of the client's thread.
    Message {
        draft: Box<Draft>,
        client: ClientId,
        side: &'static str,
    },
    /// A portal update for the client at address `to`.
    Update {
        to: String,
        client: ClientId,
        team: Box<Team>,
        update: Update,
    },
}

impl Plan {
    const NOTHING: Plan = Plan::Emails(Vec::new());
}

/// The writing half: puts what the plans ask in the outbox, in the
/// batch's transaction, without reading the log.
struct Outbox<'a> {
    settings: &'a EmailSettings,
    /// When the batch is written: an email whose event is older than the
    /// horizon then is recorded as not sent.
    now: Timestamp,
    /// When each side of a thread was last told of a message, as this
    /// batch has read or written it (this follower alone writes it), so a
    /// thread's later messages in the batch do not ask again.
    last_told: HashMap<(ClientId, &'static str), i64>,
}

impl Outbox<'_> {
    async fn write(
        &mut self,
        tx: &mut dyn Tx,
        recorded: &Recorded,
        plan: Plan,
    ) -> Result<(), ProjectionError> {
        match plan {
            Plan::Emails(drafts) => self.enqueue(tx, recorded, &drafts).await,
            Plan::Message {
                draft,
                client,
                side,
            } => {
                if self.quiet(tx, recorded, client, side).await? {
                    return Ok(());
                }
                self.enqueue(tx, recorded, std::slice::from_ref(&*draft))
                    .await
            }
            Plan::Update {
                to,
                client,
                team,
                update,
            } => {
                self.portal_update(tx, recorded, &to, client, &team, update)
                    .await
            }
        }
    }

    /// Whether `side` of the client's thread had a new-message email within
    /// the quiet period before `recorded`; if not, this one starts a new period.
    async fn quiet(
        &mut self,
        tx: &mut dyn Tx,
        recorded: &Recorded,
        client: ClientId,
        side: &'static str,
    ) -> Result<bool, ProjectionError> {
        let quiet = micros(self.settings.quiet_period);
        let at = recorded.event.recorded_at.as_micros();
        let last = match self.last_told.get(&(client, side)) {
            Some(last) => Some(*last),
            None => {
                let rows = tx
                    .query(
                        "SELECT last_at FROM email_quiet_periods WHERE client_id = $1 AND side = $2",
                        vec![client.to_string().into(), side.into()],
                        &[Kind::Int],
                    )
                    .await?;
                let stored = match rows.into_iter().next() {
                    Some(row) => Some(Fields::new(row).int()?),
                    None => None,
                };
                if let Some(last) = stored {
                    self.last_told.insert((client, side), last);
                }
                stored
            }
        };
        if last.is_some_and(|last| at < last.saturating_add(quiet)) {
            return Ok(true);
        }
        self.last_told.insert((client, side), at);
        tx.execute(
            "INSERT INTO email_quiet_periods (client_id, side, last_at) VALUES ($1, $2, $3) \
             ON CONFLICT (client_id, side) DO UPDATE SET last_at = excluded.last_at",
            vec![client.to_string().into(), side.into(), at.into()],
        )
        .await?;
        Ok(false)
    }

    /// Updates within the quiet period after a client's first one join its
    /// email, which is held in the outbox until that period ends, while it
    /// has not been tried yet; otherwise the update starts a new email.
    async fn portal_update(
        &self,
        tx: &mut dyn Tx,
        recorded: &Recorded,
        to: &str,
        client: ClientId,
        team: &Team,
        update: Update,
    ) -> Result<(), ProjectionError> {
        let quiet = micros(self.settings.quiet_period);
        let at = recorded.event.recorded_at.as_micros();
        let client_id = client.to_string();
        let open = tx
            .query(
                "SELECT event_id, recipient, first_at, updates FROM email_portal_updates \
                 WHERE client_id = $1",
                vec![client_id.clone().into()],
                &[Kind::Text, Kind::Text, Kind::Int, Kind::Text],
            )
            .await?;
        if let Some(row) = open.into_iter().next() {
            let mut fields = Fields::new(row);
            let (event_id, recipient, first_at, list) = (
                fields.text()?,
                fields.text()?,
                fields.int()?,
                fields.text()?,
            );
            let mut updates: Vec<Update> = serde_json::from_str(&list)
                .map_err(|_| ProjectionError::Corrupt(format!("portal updates {list:?}")))?;
            if at < first_at.saturating_add(quiet) && recipient == to {
                updates.push(update.clone());
                let first = Uuid::parse_str(&event_id)
                    .map_err(|_| ProjectionError::Corrupt(format!("event id {event_id:?}")))?;
                let created = Timestamp::from_micros(first_at)
                    .ok_or_else(|| ProjectionError::Corrupt(format!("time {first_at}")))?;
                if self
                    .rewrite_update(tx, team, to, &updates, first, created)
                    .await?
                {
                    let list = serde_json::to_string(&updates)
                        .map_err(|e| ProjectionError::Corrupt(e.to_string()))?;
                    tx.execute(
                        "UPDATE email_portal_updates SET updates = $2 WHERE client_id = $1",
                        vec![client_id.into(), list.into()],
                    )
                    .await?;
                    return Ok(());
                }
            }
        }
        // A new email for this update, held for the quiet period.
        let draft = notify::updates(
            team,
            to,
            std::slice::from_ref(&update),
            &self.settings.public_url,
        );
        self.enqueue(tx, recorded, std::slice::from_ref(&draft))
            .await?;
        tx.execute(
            "UPDATE email_outbox SET next_attempt_at = $3 \
             WHERE event_id = $1 AND recipient = $2 AND state = 'pending' AND attempts = 0",
            vec![
                recorded.event.event_id.to_string().into(),
                to.into(),
                at.saturating_add(quiet).into(),
            ],
        )
        .await?;
        let list = serde_json::to_string(&[update])
            .map_err(|e| ProjectionError::Corrupt(e.to_string()))?;
        tx.execute(
            "INSERT INTO email_portal_updates (client_id, event_id, recipient, first_at, updates) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (client_id) DO UPDATE SET \
             event_id = excluded.event_id, recipient = excluded.recipient, \
             first_at = excluded.first_at, updates = excluded.updates",
            vec![
                client_id.into(),
                recorded.event.event_id.to_string().into(),
                to.into(),
                at.into(),
                list.into(),
            ],
        )
        .await?;
        Ok(())
    }

    /// Rewrites the held email of event `first` to list `updates`, if it is
    /// still waiting and untried; false if it has gone (or is going) out.
    async fn rewrite_update(
        &self,
        tx: &mut dyn Tx,
        team: &Team,
        to: &str,
        updates: &[Update],
        first: Uuid,
        created: Timestamp,
    ) -> Result<bool, ProjectionError> {
        let draft = notify::updates(team, to, updates, &self.settings.public_url);
        let built = match build(
            &draft,
            to,
            first,
            created,
            &self.settings.from_address,
            self.settings.dkim.as_ref(),
        ) {
            Ok(built) => built,
            Err(e) => {
                tracing::error!(error = %e, "email not built");
                return Ok(false);
            }
        };
        let changed = tx
            .execute(
                "UPDATE email_outbox SET message = $3, subject = $4 \
                 WHERE event_id = $1 AND recipient = $2 AND state = 'pending' AND attempts = 0",
                vec![
                    first.to_string().into(),
                    to.into(),
                    cma_projections::tx::Value::Blob(Some(built.bytes)),
                    draft.subject.as_str().into(),
                ],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Addresses each draft to each recipient and puts it in the outbox.
    async fn enqueue(
        &self,
        tx: &mut dyn Tx,
        recorded: &Recorded,
        drafts: &[Draft],
    ) -> Result<(), ProjectionError> {
        let event = &recorded.event;
        let horizon = micros(self.settings.horizon);
        let age = self
            .now
            .as_micros()
            .saturating_sub(event.recorded_at.as_micros());
        let not_sent = (age > horizon).then_some(BEYOND_HORIZON);
        for draft in drafts {
            for recipient in &draft.recipients {
                let built = if not_sent.is_some() {
                    // Never sent, so never built (nor signed): the row
                    // lists it, and nothing reads a message that is not
                    // sent. A worker first started on a long history
                    // records its emails this way.
                    Built {
                        message_id: message_id(event.event_id, recipient),
                        sender: self.settings.from_address.clone(),
                        bytes: Vec::new(),
                    }
                } else {
                    match build(
                        draft,
                        recipient,
                        event.event_id,
                        event.recorded_at,
                        &self.settings.from_address,
                        self.settings.dkim.as_ref(),
                    ) {
                        Ok(built) => built,
                        Err(e) => {
                            tracing::error!(position = recorded.position, error = %e, "email not built");
                            continue;
                        }
                    }
                };
                outbox::insert(
                    tx,
                    &NewEmail {
                        event_id: event.event_id,
                        recipient,
                        team_id: draft.team.0,
                        kind: draft.kind.as_str(),
                        subject: &draft.subject,
                        sender: &built.sender,
                        message_id: &built.message_id,
                        message: &built.bytes,
                        created_at: event.recorded_at,
                        not_sent,
                    },
                )
                .await?;
            }
        }
        Ok(())
    }
}

/// Whether the client lets the business email them about portal updates
/// (`ClientEmailNotificationsChanged`; on until they turn it off). Only
/// these emails ask: invites, resets, bookings and messages do not.
fn notifications_on(client: &Client) -> bool {
    client.email_notifications
}

#[async_trait]
impl Projector for EmailEnqueuer {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn tables(&self) -> &'static [&'static str] {
        &[
            "email_outbox",
            "email_quiet_periods",
            "email_portal_updates",
        ]
    }

    async fn apply(
        &self,
        tx: &mut dyn Tx,
        _tables: &TableNames,
        events: &[Recorded],
    ) -> Result<(), ProjectionError> {
        let batch = BatchStates::default();
        let mut plans = Vec::with_capacity(events.len());
        for recorded in events {
            plans.push(self.plan(recorded, decode_event(recorded)?, &batch).await?);
        }
        let mut outbox = Outbox {
            settings: &self.settings,
            now: self.clock.now(),
            last_told: HashMap::new(),
        };
        for (recorded, plan) in events.iter().zip(plans) {
            outbox.write(tx, recorded, plan).await?;
        }
        Ok(())
    }
}

/// A setting's span in micro-seconds, as the log's instants are kept.
fn micros(span: Duration) -> i64 {
    i64::try_from(span.as_micros()).unwrap_or(i64::MAX)
}
