//! The application service: load a stream, decide, append at the version
//! the decision saw. On a conflict the command is decided again against the
//! fresh stream, which is always safe because `decide` re-checks every rule
//! (a second booking of a slot then fails as "slot taken", a second
//! acceptance as "already accepted").

use crate::envelope::{
    Actor, Metadata, NewEvent, Position, Recorded, StreamId, Version, new_event_id,
};
use crate::event_ids::DerivedIds;
use crate::folded::{DEFAULT_KEPT_STATES, FoldedStates};
use crate::store::{AppendError, EventStore, Expected, Series, StoreError};
use cma_domain::{Aggregate, DecodeError, EventCodec, Timestamp};
use std::any::Any;
use std::sync::{Arc, Mutex, PoisonError};
use uuid::Uuid;

/// Attempts before a contended stream is reported as busy.
pub const MAX_ATTEMPTS: usize = 5;

/// Who sends a command, from where, and when it is decided.
#[derive(Clone, Debug)]
pub struct CommandContext {
    pub actor: Actor,
    pub metadata: Metadata,
    pub now: Timestamp,
    /// The ids the command's events get when the request carries an
    /// idempotency key (fresh ones otherwise).
    pub event_ids: Option<DerivedIds>,
}

impl CommandContext {
    /// A context for the worker acting on its own at `now`.
    pub fn system(now: Timestamp, causation: Option<Uuid>) -> Self {
        Self {
            actor: Actor::System,
            metadata: Metadata {
                correlation_id: Uuid::new_v4(),
                causation_id: causation,
                ip: None,
                user_agent: None,
            },
            now,
            event_ids: None,
        }
    }
}

/// A stream's state as of its last event (as of `version`).
#[derive(Clone, Debug)]
pub struct Loaded<A> {
    pub state: A,
    pub version: Version,
    /// Position of the stream's last event (0 for an absent stream).
    pub position: Position,
}

/// The outcome of an executed command.
#[derive(Clone, Debug)]
pub struct Executed<A: Aggregate> {
    pub events: Vec<A::Event>,
    /// The state after the command (shared with the runner's kept states).
    pub state: Arc<A>,
    /// Position of the last event appended, or of the stream's last event
    /// when the command changed nothing: a read at this position reflects it.
    pub position: Position,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError<E: std::error::Error + 'static> {
    #[error(transparent)]
    Refused(E),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("stored event does not decode: {0}")]
    Decode(#[from] DecodeError),
    #[error("stream {0} is too busy; try again")]
    Contended(StreamId),
    /// The command's events carry an event id already recorded.
    #[error("event id {0} is already recorded")]
    DuplicateEventId(Uuid),
}

pub struct Service {
    store: Arc<dyn EventStore>,
    states: FoldedStates,
    /// Commands take turns per stream (by a hash of its id into these),
    /// each turn holding the tips of its streams with appends queued.
    turns: Box<[tokio::sync::Mutex<Vec<Tip>>]>,
}

/// How many turns commands are spread over: streams sharing one wait for
/// each other, so enough that unrelated streams rarely do.
const TURNS: usize = 1024;

impl Service {
    /// A command runner keeping the folded states of the
    /// [`DEFAULT_KEPT_STATES`] streams it used last.
    pub fn new(store: Arc<dyn EventStore>) -> Self {
        Self::keeping(store, DEFAULT_KEPT_STATES)
    }

    /// A command runner keeping the folded states of the `streams` streams
    /// it used last (none for 0: every load folds the whole stream).
    pub fn keeping(store: Arc<dyn EventStore>, streams: usize) -> Self {
        Self {
            store,
            states: FoldedStates::new(streams),
            turns: (0..TURNS)
                .map(|_| tokio::sync::Mutex::new(Vec::new()))
                .collect(),
        }
    }

    fn turn_of(&self, stream: &StreamId) -> usize {
        let mut hasher = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(stream, &mut hasher);
        usize::try_from(std::hash::Hasher::finish(&hasher) % TURNS as u64).unwrap_or(0)
    }

    pub fn store(&self) -> &Arc<dyn EventStore> {
        &self.store
    }

    pub fn stream<A: Aggregate>(id: Uuid) -> StreamId {
        StreamId::new(A::CATEGORY, id)
    }

    /// Folds one stream into its state: from a kept state, the events
    /// recorded since it (none to read when the log is known to be at its
    /// version); otherwise the whole stream.
    pub async fn load<A: Aggregate>(&self, id: Uuid) -> Result<Loaded<A>, ServiceError<A::Error>> {
        let stream = Self::stream::<A>(id);
        let kept = self.states.get::<A>(&stream);
        let loaded = self.up_to_date(&stream, kept).await?;
        Ok(Self::unshared(loaded))
    }

    /// Folds two streams of different kinds, as [`Service::load`] does
    /// each, reading what both lack in one read of the log (one round trip
    /// on a relational log): a request that checks one stream and decides
    /// with another pays for one read, not two, and none when both kept
    /// states are known to be current. The states are shared with what is
    /// kept (a request that only looks at them copies nothing).
    pub async fn load_two<A: Aggregate, B: Aggregate>(
        &self,
        a: Uuid,
        b: Uuid,
    ) -> Result<(Loaded<Arc<A>>, Loaded<Arc<B>>), ServiceError<A::Error>> {
        let (stream_a, stream_b) = (Self::stream::<A>(a), Self::stream::<B>(b));
        let (kept_a, kept_b) = (
            self.states.get::<A>(&stream_a),
            self.states.get::<B>(&stream_b),
        );
        let (after_a, after_b) = (
            self.read_after(&stream_a, kept_a.as_ref()),
            self.read_after(&stream_b, kept_b.as_ref()),
        );
        let asked: Vec<(StreamId, Version)> = [(&stream_a, after_a), (&stream_b, after_b)]
            .into_iter()
            .filter_map(|(stream, after)| Some((stream.clone(), after?)))
            .collect();
        let read = if asked.is_empty() {
            Vec::new()
        } else {
            self.store.read_streams_after(&asked).await?
        };
        if read.len() != asked.len() {
            return Err(StoreError::backend("the log answered fewer streams than asked").into());
        }
        let mut read = read.into_iter();
        let since_a = after_a.and_then(|_| read.next()).unwrap_or_default();
        let since_b = after_b.and_then(|_| read.next()).unwrap_or_default();
        Ok((
            self.folded(&stream_a, kept_a, &since_a)?,
            self.folded(&stream_b, kept_b, &since_b)?,
        ))
    }

    /// The version after which the stream's events must be read to bring
    /// `kept` (or an empty state) up to date; `None` when `kept` is known to
    /// be the stream's state as the log holds it now, without reading the
    /// log (only where this process alone appends to it:
    /// [`EventStore::known_version`]).
    fn read_after<A>(&self, stream: &StreamId, kept: Option<&Loaded<Arc<A>>>) -> Option<Version> {
        match kept {
            Some(k) if self.store.known_version(stream) == Some(k.version) => None,
            Some(k) => Some(k.version),
            None => Some(0),
        }
    }

    /// A loaded state of the caller's own (a copy only when it is kept too).
    fn unshared<A: Aggregate>(loaded: Loaded<Arc<A>>) -> Loaded<A> {
        Loaded {
            state: Arc::unwrap_or_clone(loaded.state),
            version: loaded.version,
            position: loaded.position,
        }
    }

    /// `kept` (or an empty state) with the stream's events since folded in,
    /// kept again when there were any.
    async fn up_to_date<A: Aggregate>(
        &self,
        stream: &StreamId,
        kept: Option<Loaded<Arc<A>>>,
    ) -> Result<Loaded<Arc<A>>, ServiceError<A::Error>> {
        let recorded = match self.read_after(stream, kept.as_ref()) {
            Some(after) => self.store.read_stream_after(stream, after).await?,
            None => Vec::new(),
        };
        Ok(self.folded(stream, kept, &recorded)?)
    }

    /// `kept` (or an empty state) with `recorded`, the stream's events
    /// since it, folded in; kept again when there were any.
    fn folded<A: Aggregate>(
        &self,
        stream: &StreamId,
        kept: Option<Loaded<Arc<A>>>,
        recorded: &[Recorded],
    ) -> Result<Loaded<Arc<A>>, DecodeError> {
        let loaded = kept.unwrap_or_else(|| Loaded {
            state: Arc::new(A::default()),
            version: 0,
            position: 0,
        });
        let Some(last) = recorded.last() else {
            return Ok(loaded);
        };
        let mut state = self.states.owned(stream, loaded.state);
        for r in recorded {
            state = state.evolve(&r.decode::<A::Event>()?);
        }
        let loaded = Loaded {
            state: Arc::new(state),
            version: last.version,
            position: last.position,
        };
        self.states.put(stream, &loaded);
        Ok(loaded)
    }

    /// Decides `command` against the stream `id` and appends what it records.
    ///
    /// Where the log queues appends ([`EventStore::queues_appends`]), the
    /// stream's next command does not wait for this one's commit: it is
    /// decided on the state this one leaves (the stream's [`Tip`]) and
    /// queued behind it in the same [`Series`], so that one commit of the
    /// log can carry many commands of one stream. A command that would not
    /// append on the tip (a refusal, a no-op) waits until the tip is
    /// settled and is judged on what was committed.
    pub async fn execute<A: Aggregate>(
        &self,
        id: Uuid,
        ctx: &CommandContext,
        command: A::Command,
    ) -> Result<Executed<A>, ServiceError<A::Error>>
    where
        A::Command: Clone,
    {
        let stream = Self::stream::<A>(id);
        let turn = &self.turns[self.turn_of(&stream)];
        let queues = self.store.queues_appends();
        // Whether the command waited for a tip to settle: it is then judged
        // on what was committed.
        let mut waited = false;
        for attempt in 0..MAX_ATTEMPTS {
            // One command of a stream at a time in this runner decides:
            // they would only conflict, and the losers decide again.
            let mut held = turn.lock().await;
            held.retain(Tip::ahead);
            let queued_ahead = held.iter().any(|t| t.stream == stream);
            let tip = held
                .iter()
                .find(|t| !waited && t.stream == stream)
                .and_then(Tip::of::<A>);
            // A kept state is decided on at once: the append expects its
            // version, so a state another process has moved past fails
            // there and is read again. Only what would not be appended (a
            // refusal, a no-op) is judged on a state read from the log.
            let (loaded, base) = match tip {
                Some(tip) => tip,
                None => match self.states.get::<A>(&stream) {
                    Some(kept) if attempt == 0 => (kept, Base::Kept),
                    kept => (self.up_to_date(&stream, kept).await?, Base::Read),
                },
            };
            let (events, base) = match (loaded.state.decide(command.clone(), ctx.now), base) {
                (Ok(events), base) if !events.is_empty() && matches!(base, Base::Tip(..)) => {
                    (events, base)
                }
                // Never appended ahead of what is queued: decided again on
                // the tip.
                (Ok(events), _) if !events.is_empty() && queued_ahead => {
                    waited = false;
                    continue;
                }
                (Ok(events), base) if !events.is_empty() => (events, base),
                (_, Base::Tip(_, mut settled)) => {
                    drop(held);
                    // Closed once the tip's appends have their outcomes.
                    let _ = settled.changed().await;
                    waited = true;
                    continue;
                }
                (_, Base::Kept) => continue,
                (Err(refused), Base::Read) => return Err(ServiceError::Refused(refused)),
                (Ok(none), Base::Read) => {
                    return Ok(Executed {
                        events: none,
                        state: loaded.state,
                        position: loaded.position,
                    });
                }
            };
            let expected = if loaded.version == 0 {
                Expected::NoStream
            } else {
                Expected::Exactly(loaded.version)
            };
            let ids = match &ctx.event_ids {
                Some(derived) => derived.peek(events.len()),
                None => events.iter().map(|_| new_event_id()).collect(),
            };
            let envelopes = events
                .iter()
                .zip(ids)
                .map(|(e, id)| envelope(e, id, ctx))
                .collect();
            let series = match base {
                Base::Tip(series, _) => series,
                Base::Kept | Base::Read => Arc::default(),
            };
            let pending = Arc::new(Pending::new(loaded.state, events.clone()));
            // Dropped once the append has its outcome, settling the tip.
            let (outcome, settles) = if queues {
                match self
                    .store
                    .queue_append(&stream, expected, envelopes, series.clone())
                    .await
                {
                    // Nothing queued, no tip: nothing was decided behind it.
                    Err(e) => (Err(e), None),
                    Ok(queued) => {
                        let (settles, settled) = tokio::sync::watch::channel(());
                        let tip = Tip {
                            stream: stream.clone(),
                            pending: pending.clone(),
                            version: loaded.version + events.len() as Version,
                            series,
                            settled,
                        };
                        match held.iter_mut().find(|t| t.stream == stream) {
                            Some(before) => *before = tip,
                            None => held.push(tip),
                        }
                        drop(held);
                        (queued.outcome().await, Some(settles))
                    }
                }
            } else {
                let outcome = self.store.append(&stream, expected, envelopes).await;
                (outcome, None)
            };
            let appended = match outcome {
                Ok(appended) => appended,
                Err(AppendError::Conflict { .. }) => continue,
                Err(AppendError::DuplicateEventId(id)) => {
                    return Err(ServiceError::DuplicateEventId(id));
                }
                Err(AppendError::Store(e)) => return Err(e.into()),
            };
            if let Some(derived) = &ctx.event_ids {
                derived.take(events.len());
            }
            // Folded in place unless a command decided behind this one
            // folded it first; kept before the tip is settled, for those
            // waiting on it.
            let position = appended.last_position();
            let state = match pending.folded(|base| self.states.owned(&stream, base)) {
                Some(state) => {
                    self.states.put(
                        &stream,
                        &Loaded {
                            state: state.clone(),
                            version: appended.version,
                            position,
                        },
                    );
                    state
                }
                None => {
                    self.up_to_date(&stream, self.states.get::<A>(&stream))
                        .await?
                        .state
                }
            };
            drop(settles);
            return Ok(Executed {
                position,
                events,
                state,
            });
        }
        Err(ServiceError::Contended(stream))
    }
}

/// What a decision was made on.
enum Base {
    /// A stream's tip: appends queued in `Series`, not all settled yet.
    Tip(Arc<Series>, tokio::sync::watch::Receiver<()>),
    /// A kept state, not read from the log.
    Kept,
    /// A state brought up to date from the log.
    Read,
}

/// The state a stream will be in once the appends queued for it by this
/// runner are committed: its next command is decided on it.
struct Tip {
    stream: StreamId,
    /// The `Pending` of the stream's last queued append.
    pending: Arc<dyn Any + Send + Sync>,
    version: Version,
    series: Arc<Series>,
    /// Closed once the last of those appends has its outcome.
    settled: tokio::sync::watch::Receiver<()>,
}

impl Tip {
    /// Whether the tip is still ahead of what is committed: not settled,
    /// and no append of its series refused.
    fn ahead(&self) -> bool {
        !self.series.is_broken() && self.settled.has_changed().is_ok()
    }

    /// The tip as `A`'s state to decide on.
    fn of<A: Aggregate>(&self) -> Option<(Loaded<Arc<A>>, Base)> {
        let pending = self.pending.clone().downcast::<Pending<A>>().ok()?;
        Some((
            Loaded {
                // A copy: the state it was decided on stays kept until the
                // append lands.
                state: pending.folded(|base| A::clone(&base))?,
                version: self.version,
                position: 0,
            },
            Base::Tip(self.series.clone(), self.settled.clone()),
        ))
    }
}

/// The state a queued append leaves, folded from the state it was decided
/// on only when first needed: by a command decided behind it (on a copy),
/// or by its own once appended (in place when nothing else holds it), so a
/// command no other waits behind copies no state.
struct Pending<A: Aggregate>(Mutex<Option<Folding<A>>>);

enum Folding<A: Aggregate> {
    Unfolded(Arc<A>, Vec<A::Event>),
    Folded(Arc<A>),
}

impl<A: Aggregate> Pending<A> {
    fn new(base: Arc<A>, events: Vec<A::Event>) -> Self {
        Self(Mutex::new(Some(Folding::Unfolded(base, events))))
    }

    /// The state after the events, folded once from what `owned` makes of
    /// the state decided on; `None` only if a fold panicked.
    fn folded(&self, owned: impl FnOnce(Arc<A>) -> A) -> Option<Arc<A>> {
        let mut folding = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let state = match folding.take()? {
            Folding::Folded(state) => state,
            Folding::Unfolded(base, events) => Arc::new(events.iter().fold(owned(base), A::evolve)),
        };
        *folding = Some(Folding::Folded(state.clone()));
        Some(state)
    }
}

/// Wraps one domain event for the log under the id `event_id`.
pub fn envelope<E: EventCodec>(event: &E, event_id: Uuid, ctx: &CommandContext) -> NewEvent {
    NewEvent {
        event_id,
        event_type: event.event_type().to_owned(),
        schema_version: event.schema_version(),
        recorded_at: ctx.now,
        actor: ctx.actor,
        metadata: ctx.metadata.clone(),
        payload: event.encode(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::SqliteStore;
    use cma_domain::access::{ClientPortal, Sections};
    use cma_domain::diary::{Diary, DiaryCommand, DiaryError};
    use cma_domain::ids::{AppointmentId, ClientId};
    use cma_domain::schedule::Schedule;

    fn booking(starts_at: Timestamp) -> DiaryCommand {
        DiaryCommand::Book {
            appointment: AppointmentId::new(),
            portal: ClientPortal {
                client: ClientId::new(),
                enabled: true,
                sections: Sections::ALL,
            },
            starts_at,
            schedule: Schedule::default(),
        }
    }

    fn context(now: Timestamp) -> CommandContext {
        CommandContext::system(now, None)
    }

    /// A fresh SQLite log in a temporary directory (kept alive by the guard).
    async fn sqlite_store() -> (tempfile::TempDir, Arc<dyn EventStore>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("events.db"))
            .await
            .expect("open");
        (dir, Arc::new(store))
    }

    /// Fresh SQLite logs as a command runner meets them: read to know a
    /// stream's version, and owned by this process, which knows it.
    async fn sqlite_logs() -> [(tempfile::TempDir, Arc<dyn EventStore>); 2] {
        let (dir, read) = sqlite_store().await;
        let (owned_dir, owned) = sqlite_store().await;
        [
            (dir, read),
            (owned_dir, Arc::new(crate::owned::OwnedLog::new(owned))),
        ]
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_state_another_runner_moves_on_is_never_taken_as_current() {
        use cma_domain::access::By;
        use cma_domain::conversation::{Conversation, ConversationCommand};
        use cma_domain::ids::{MessageId, StaffId};
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

        let (_dir, log) = sqlite_store().await;
        let store: Arc<dyn EventStore> = Arc::new(crate::owned::OwnedLog::new(log));
        let writer = Service::new(store.clone());
        let reader = Arc::new(Service::new(store.clone()));
        let client = ClientId::new();
        let now = Timestamp::parse_rfc3339("2026-12-04T12:00:00Z").expect("instant");
        let post = || ConversationCommand::Post {
            message: MessageId::new(),
            client,
            by: By::Staff(StaffId::new()),
            text: "Hello".to_owned(),
        };
        // The position of the last post whose append was acknowledged: a
        // load begun after it must hold it.
        let acknowledged = Arc::new(AtomicU64::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let loads = tokio::spawn({
            let (reader, acknowledged, done) = (reader.clone(), acknowledged.clone(), done.clone());
            async move {
                let mut loads = 0;
                while !done.load(Ordering::SeqCst) {
                    let floor = acknowledged.load(Ordering::SeqCst);
                    let loaded = reader.load::<Conversation>(client.0).await.expect("load");
                    assert!(
                        loaded.position >= floor,
                        "a load begun after position {floor} was acknowledged folded only up to {}",
                        loaded.position
                    );
                    loads += 1;
                    tokio::task::yield_now().await;
                }
                loads
            }
        });
        for _ in 0..300 {
            let executed = writer
                .execute::<Conversation>(client.0, &context(now), post())
                .await
                .expect("post");
            acknowledged.store(executed.position, Ordering::SeqCst);
        }
        done.store(true, Ordering::SeqCst);
        assert!(loads.await.expect("loads") > 0);

        // Once read, the stream's version is known and the kept state taken as current.
        let stream = Service::stream::<Conversation>(client.0);
        let loaded = reader.load::<Conversation>(client.0).await.expect("load");
        assert_eq!(loaded.version, 300);
        assert_eq!(store.known_version(&stream), Some(300));
    }

    #[tokio::test]
    async fn two_clients_racing_for_one_slot_leave_exactly_one_booking() {
        for (_dir, store) in sqlite_logs().await {
            let service = Arc::new(Service::new(store));
            let team = Uuid::new_v4();
            // Monday 2026-12-07 10:00 London, decided on the Friday before.
            let now = Timestamp::parse_rfc3339("2026-12-04T12:00:00Z").expect("instant");
            let slot = Timestamp::parse_rfc3339("2026-12-07T10:00:00Z").expect("instant");
            let racers: Vec<_> = (0..8)
                .map(|_| {
                    let service = service.clone();
                    tokio::spawn(async move {
                        service
                            .execute::<Diary>(team, &context(now), booking(slot))
                            .await
                    })
                })
                .collect();
            let mut won = 0;
            for racer in racers {
                match racer.await.expect("task") {
                    Ok(executed) => {
                        assert_eq!(executed.events.len(), 1);
                        won += 1;
                    }
                    Err(ServiceError::Refused(DiaryError::SlotTaken)) => {}
                    Err(other) => panic!("unexpected outcome {other:?}"),
                }
            }
            assert_eq!(won, 1);
            let diary = service.load::<Diary>(team).await.expect("load");
            assert_eq!(diary.version, 1);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_command_decided_behind_a_refused_one_never_lands_on_its_events() {
        use cma_domain::access::By;
        use cma_domain::diary::DiaryEvent;
        use cma_domain::ids::StaffId;
        use std::collections::HashSet;

        let now = Timestamp::parse_rfc3339("2026-12-04T12:00:00Z").expect("instant");
        let hour = |h: i64| now.plus_seconds((24 + h) * 3600);
        let add = |appointment: AppointmentId, h: i64| DiaryCommand::Add {
            appointment,
            staff: StaffId::new(),
            client: None,
            title: None,
            starts_at: hour(h),
            ends_at: hour(h + 1),
        };
        for (_dir, store) in sqlite_logs().await {
            // Two command runners over one log, as two roles of a process.
            let here = Service::new(store.clone());
            let elsewhere = Service::new(store.clone());
            let team = Uuid::new_v4();
            for round in 0..20 {
                here.load::<Diary>(team).await.expect("load");
                // Moved on behind the state `here` keeps.
                elsewhere
                    .execute::<Diary>(team, &context(now), add(AppointmentId::new(), 2 * round))
                    .await
                    .expect("added elsewhere");
                // Decided on the kept state, the addition is refused as a
                // conflict; the cancellation is decided on the state the
                // addition would leave, queued behind it.
                let x = AppointmentId::new();
                let cancel = DiaryCommand::Cancel {
                    appointment: x,
                    by: By::Staff(StaffId::new()),
                };
                let ctx = context(now);
                let (added, cancelled) = tokio::join!(
                    here.execute::<Diary>(team, &ctx, add(x, 2 * round + 1)),
                    here.execute::<Diary>(team, &ctx, cancel),
                );
                assert!(added.is_ok(), "{added:?}");
                // Landed behind the addition, or judged before it.
                match cancelled {
                    Ok(_) | Err(ServiceError::Refused(DiaryError::UnknownAppointment(_))) => {}
                    Err(other) => panic!("unexpected outcome {other:?}"),
                }
            }
            // No cancellation in the log comes before its appointment.
            let mut added = HashSet::new();
            for recorded in store
                .read_stream(&Service::stream::<Diary>(team))
                .await
                .expect("read")
            {
                match recorded.decode::<DiaryEvent>().expect("decodes") {
                    DiaryEvent::Added(a) => {
                        added.insert(a.appointment);
                    }
                    DiaryEvent::Cancelled(c) => assert!(
                        added.contains(&c.appointment),
                        "a cancellation landed before its appointment"
                    ),
                    other => panic!("unexpected event {other:?}"),
                }
            }
            assert_eq!(added.len(), 40);
        }
    }

    #[tokio::test]
    async fn loading_two_streams_at_once_gives_what_loading_each_gives() {
        use cma_domain::access::By;
        use cma_domain::conversation::{Conversation, ConversationCommand};
        use cma_domain::ids::{MessageId, StaffId};

        for (_dir, store) in sqlite_logs().await {
            let writer = Service::new(store.clone());
            let reader = Service::new(store.clone());
            let (team, client) = (Uuid::new_v4(), ClientId::new());
            let now = Timestamp::parse_rfc3339("2026-12-04T12:00:00Z").expect("instant");
            let book = |at: &str| booking(Timestamp::parse_rfc3339(at).expect("instant"));
            let post = ConversationCommand::Post {
                message: MessageId::new(),
                client,
                by: By::Staff(StaffId::new()),
                text: "Hello".to_owned(),
            };
            let shown = |state: &Diary, version: Version| format!("{state:?} {version:?}");
            writer
                .execute::<Diary>(team, &context(now), book("2026-12-07T10:00:00Z"))
                .await
                .expect("book");
            writer
                .execute::<Conversation>(client.0, &context(now), post)
                .await
                .expect("post");

            for booked in ["2026-12-07T11:00:00Z", "2026-12-07T12:00:00Z"] {
                writer
                    .execute::<Diary>(team, &context(now), book(booked))
                    .await
                    .expect("book");
                let (diary, thread) = reader
                    .load_two::<Diary, Conversation>(team, client.0)
                    .await
                    .expect("load two");
                let whole = Service::keeping(store.clone(), 0);
                let alone = whole.load::<Diary>(team).await.expect("load diary");
                assert_eq!(
                    shown(&diary.state, diary.version),
                    shown(&alone.state, alone.version),
                    "the diary as a load folds it"
                );
                assert_eq!(diary.position, alone.position);
                let thread_alone = whole
                    .load::<Conversation>(client.0)
                    .await
                    .expect("load thread");
                assert_eq!(
                    format!("{:?}", thread.state),
                    format!("{:?}", thread_alone.state)
                );
                assert_eq!(
                    (thread.version, thread.position),
                    (thread_alone.version, thread_alone.position)
                );
            }
            let (diary, _) = reader
                .load_two::<Diary, Conversation>(team, client.0)
                .await
                .expect("load two");
            assert_eq!(
                diary.version, 3,
                "kept states caught up with the last booking"
            );
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_commands_on_streams_sharing_a_turn_all_succeed() {
        use cma_domain::access::By;
        use cma_domain::conversation::{Conversation, ConversationCommand};
        use cma_domain::ids::{MessageId, StaffId};

        for (_dir, store) in sqlite_logs().await {
            let service = Arc::new(Service::new(store));
            let thread = |client: ClientId| Service::stream::<Conversation>(client.0);
            // Two threads whose commands take the same turn: each is decided
            // behind its own thread's queued commands, not the other's.
            let first = ClientId::new();
            let turn = service.turn_of(&thread(first));
            let second = std::iter::repeat_with(ClientId::new)
                .find(|c| *c != first && service.turn_of(&thread(*c)) == turn)
                .expect("a thread sharing the turn");
            let now = Timestamp::parse_rfc3339("2026-12-04T12:00:00Z").expect("instant");
            let posters: Vec<_> = (0..64)
                .map(|n| {
                    let service = service.clone();
                    let client = if n % 2 == 0 { first } else { second };
                    tokio::spawn(async move {
                        let post = ConversationCommand::Post {
                            message: MessageId::new(),
                            client,
                            by: By::Staff(StaffId::new()),
                            text: format!("Message {n}"),
                        };
                        service
                            .execute::<Conversation>(client.0, &context(now), post)
                            .await
                    })
                })
                .collect();
            for poster in posters {
                let posted = poster.await.expect("task");
                assert!(posted.is_ok(), "{posted:?}");
            }
            for client in [first, second] {
                let thread = service.load::<Conversation>(client.0).await.expect("load");
                assert_eq!(thread.version, 32, "every message recorded once");
            }
        }
    }

    #[tokio::test]
    async fn a_kept_state_another_runner_moved_past_never_settles_an_outcome() {
        for (_dir, store) in sqlite_logs().await {
            // Two processes' command runners over one log.
            let here = Service::new(store.clone());
            let elsewhere = Service::new(store.clone());
            let team = Uuid::new_v4();
            let now = Timestamp::parse_rfc3339("2026-12-04T12:00:00Z").expect("instant");
            let ten = Timestamp::parse_rfc3339("2026-12-07T10:00:00Z").expect("instant");
            let eleven = Timestamp::parse_rfc3339("2026-12-07T11:00:00Z").expect("instant");
            here.execute::<Diary>(team, &context(now), booking(ten))
                .await
                .expect("booked here; the diary's state is kept here");
            let booked_elsewhere = booking(eleven);
            let DiaryCommand::Book { appointment, .. } = booked_elsewhere else {
                unreachable!()
            };
            elsewhere
                .execute::<Diary>(team, &context(now), booked_elsewhere)
                .await
                .expect("booked elsewhere");

            // Decided first against the kept state, whose append then fails
            // on the version the other runner moved past; decided again
            // against the log: refused.
            let again = here
                .execute::<Diary>(team, &context(now), booking(eleven))
                .await;
            assert!(
                matches!(again, Err(ServiceError::Refused(DiaryError::SlotTaken))),
                "{again:?}"
            );

            // Kept here: eleven o'clock taken. The other runner frees it; a
            // refusal judged on the kept state would be wrong.
            elsewhere
                .execute::<Diary>(
                    team,
                    &context(now),
                    DiaryCommand::Cancel {
                        appointment,
                        by: cma_domain::access::By::Staff(cma_domain::ids::StaffId::new()),
                    },
                )
                .await
                .expect("cancelled elsewhere");
            let rebooked = here
                .execute::<Diary>(team, &context(now), booking(eleven))
                .await
                .expect("booked: the slot is free in the log");
            assert_eq!(rebooked.events.len(), 1);

            let kept = here.load::<Diary>(team).await.expect("load");
            let fresh = Service::keeping(store.clone(), 0)
                .load::<Diary>(team)
                .await
                .expect("load");
            assert_eq!((kept.version, kept.position), (4, fresh.position));
            assert_eq!(kept.state, fresh.state, "the same state as a whole fold");
        }
    }

    #[tokio::test]
    async fn a_command_that_changes_nothing_appends_nothing_and_reports_the_stream_position() {
        for (_dir, store) in sqlite_logs().await {
            let service = Service::new(store.clone());
            let team = Uuid::new_v4();
            let now = Timestamp::parse_rfc3339("2026-12-04T12:00:00Z").expect("instant");
            let slot = Timestamp::parse_rfc3339("2026-12-07T10:00:00Z").expect("instant");
            let cmd = booking(slot);
            let first = service
                .execute::<Diary>(team, &context(now), cmd.clone())
                .await
                .expect("booked");
            let DiaryCommand::Book { appointment, .. } = cmd else {
                unreachable!()
            };
            let close = DiaryCommand::CloseCancellationWindow { appointment };
            let late = Timestamp::parse_rfc3339("2026-12-06T11:00:00Z").expect("instant");
            let closed = service
                .execute::<Diary>(team, &context(late), close.clone())
                .await
                .expect("closed");
            assert_eq!(closed.events.len(), 1);
            let again = service
                .execute::<Diary>(team, &context(late), close)
                .await
                .expect("idempotent");
            assert!(again.events.is_empty());
            assert_eq!(again.position, closed.position);
            assert!(closed.position > first.position);
            assert_eq!(store.head().await.expect("head"), closed.position);
        }
    }

    #[tokio::test]
    async fn two_acceptances_of_one_quote_leave_exactly_one() {
        use cma_domain::ids::{QuoteId, SessionId, StaffId, TeamId};
        use cma_domain::quote::signature::tiny_png;
        use cma_domain::quote::{Acceptance, Quote, QuoteCommand, QuoteError, samples};

        for (_dir, store) in sqlite_logs().await {
            let service = Arc::new(Service::new(store));
            let (quote, team, client, staff) = (
                QuoteId::new(),
                TeamId::new(),
                ClientId::new(),
                StaffId::new(),
            );
            let now = Timestamp::parse_rfc3339("2026-12-04T12:00:00Z").expect("instant");
            let draft = QuoteCommand::Draft {
                quote,
                team,
                client,
                by: staff,
                title: "New boiler".to_owned(),
                currency: cma_domain::testing::fixtures::gbp(),
                expires_on: None,
                lines: samples::lines(),
            };
            service
                .execute::<Quote>(quote.0, &context(now), draft)
                .await
                .expect("drafted");
            let send = QuoteCommand::Send { team, by: staff };
            service
                .execute::<Quote>(quote.0, &context(now), send)
                .await
                .expect("sent");
            let accept = move |name: &str| {
                QuoteCommand::Accept(Box::new(Acceptance {
                    team,
                    by: ClientPortal {
                        client,
                        enabled: true,
                        sections: Sections::ALL,
                    },
                    session: SessionId::new(),
                    name: name.to_owned(),
                    signature_png: tiny_png(4, 2),
                    ip: std::net::IpAddr::from([192, 0, 2, 7]),
                    user_agent: "Test/1.0".to_owned(),
                    revision: None,
                    time_zone: jiff::tz::TimeZone::UTC,
                    login_email: None,
                    login_invite: None,
                }))
            };
            let racers: Vec<_> = (0..6)
                .map(|i| {
                    let service = service.clone();
                    let command = accept(&format!("Signer {i}"));
                    tokio::spawn(async move {
                        service
                            .execute::<Quote>(quote.0, &context(now), command)
                            .await
                    })
                })
                .collect();
            let mut accepted = 0;
            for racer in racers {
                match racer.await.expect("task") {
                    Ok(executed) if executed.events.len() == 1 => accepted += 1,
                    Err(ServiceError::Refused(QuoteError::AlreadyAccepted)) => {}
                    other => panic!("unexpected outcome {other:?}"),
                }
            }
            assert_eq!(accepted, 1);
            assert_eq!(
                service.load::<Quote>(quote.0).await.expect("load").version,
                3
            );
        }
    }
}
