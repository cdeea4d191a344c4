//! The event log on KurrentDB (feature `kurrentdb`); the mapping is described
//! in docs/event-store-kurrentdb.md.
//!
//! Each of our streams is the KurrentDB stream of the same name. A position
//! is the event's commit position in `$all`: strictly increasing in commit
//! order but not contiguous (it is an offset in the server's transaction
//! log), so readers must only ever compare positions, never count them.
//! The hash chain is linked here: an append reads the stream's last event,
//! chains the new events to it and appends at exactly that revision, so a
//! racing appender gets a conflict instead of forking the chain.

mod envelope;

use crate::chain::hash_event;
use crate::committer::{Head, raise};
use crate::envelope::{NewEvent, Position, Recorded, StreamId, Version};
use crate::store::{AppendError, Appended, EventStore, Expected, StoreError};
use async_trait::async_trait;
use kurrentdb::{
    AppendToStreamOptions, Client, ClientSettings, CurrentRevision, EventData, ReadAllOptions,
    ReadStream, ReadStreamOptions, RecordedEvent, StreamPosition, StreamState,
    SubscribeToAllOptions, SubscriptionFilter,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Events fetched from `$all` per request.
const PAGE: usize = 512;
/// Pause before re-subscribing after the subscription to `$all` failed.
const RESUBSCRIBE_DELAY: Duration = Duration::from_secs(1);

/// The event log in a KurrentDB server or cluster.
pub struct KurrentStore {
    client: Client,
    committed: watch::Sender<Position>,
    follower: std::sync::Mutex<Option<JoinHandle<()>>>,
    closed: AtomicBool,
}

impl KurrentStore {
    /// Connects to the server at `url` (`kurrentdb://`, `kdb://` or `esdb://`
    /// connection string) and starts following `$all`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let settings: ClientSettings =
            url.parse()
                .map_err(|e: kurrentdb::ClientSettingsParseError| {
                    // The parse error's own text holds the connection
                    // string, password and all: only its cause is kept.
                    const INVALID: &str = "invalid KurrentDB connection string";
                    match e.error() {
                        Some(&cause) => StoreError::because(INVALID, cause),
                        None => StoreError::backend(INVALID),
                    }
                })?;
        let client = Client::new(settings).map_err(|e| {
            let reason = format!("cannot create KurrentDB client: {e}");
            let cause: Box<dyn std::error::Error + Send + Sync> = e.into();
            StoreError::Backend {
                reason,
                source: Some(cause.into()),
            }
        })?;
        let (committed, _) = watch::channel(head_of(&client).await?);
        let follower = tokio::spawn(follow(client.clone(), committed.clone()));
        Ok(Self {
            client,
            committed,
            follower: std::sync::Mutex::new(Some(follower)),
            closed: AtomicBool::new(false),
        })
    }

    fn stop_following(&self) {
        if let Ok(mut follower) = self.follower.lock()
            && let Some(task) = follower.take()
        {
            task.abort();
        }
    }

    fn ensure_open(&self) -> Result<(), StoreError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(StoreError::Closed);
        }
        Ok(())
    }

    /// The `$all` positions of `events`, just appended to `stream` from revision `first`.
    async fn positions_of(
        &self,
        stream: &StreamId,
        first: u64,
        events: &[NewEvent],
    ) -> Result<Vec<Position>, StoreError> {
        let options = ReadStreamOptions::default()
            .forwards()
            .position(StreamPosition::Position(first))
            .max_count(events.len());
        let read = self
            .client
            .read_stream(stream.as_str(), &options)
            .await
            .map_err(backend)?;
        let written = collect(read).await.map_err(backend)?;
        let ids = written.iter().map(|e| e.id);
        if !ids.eq(events.iter().map(|e| e.event_id)) {
            return Err(StoreError::backend(format!(
                "stream {stream} does not hold the events just appended at revision {first}"
            )));
        }
        Ok(written.iter().map(|e| e.position.commit).collect())
    }
}

impl Drop for KurrentStore {
    fn drop(&mut self) {
        self.stop_following();
    }
}

#[async_trait]
impl EventStore for KurrentStore {
    async fn append(
        &self,
        stream: &StreamId,
        expected: Expected,
        events: Vec<NewEvent>,
    ) -> Result<Appended, AppendError> {
        let mut ids = std::collections::HashSet::with_capacity(events.len());
        if let Some(e) = events.iter().find(|e| !ids.insert(e.event_id)) {
            return Err(AppendError::DuplicateEventId(e.event_id));
        }
        loop {
            self.ensure_open()?;
            let head = stream_head(&self.client, stream).await?;
            if !expected.admits(head.version) {
                return Err(AppendError::Conflict {
                    stream: stream.clone(),
                    expected,
                    actual: head.version,
                });
            }
            if events.is_empty() {
                return Ok(Appended {
                    positions: Vec::new(),
                    version: head.version,
                });
            }
            let (data, version) = link(stream, head, &events)?;
            let options = AppendToStreamOptions::default().stream_state(state_at(head.version));
            match self
                .client
                .append_to_stream(stream.as_str(), &options, data)
                .await
            {
                Ok(_) => {
                    let positions = self.positions_of(stream, head.version, &events).await?;
                    raise(&self.committed, positions.last().copied().unwrap_or(0));
                    return Ok(Appended { positions, version });
                }
                // Another appender moved the stream since its head was read:
                // `Any` links to the new head, anything else is a conflict.
                Err(kurrentdb::Error::WrongExpectedVersion { .. }) if expected == Expected::Any => {
                }
                Err(kurrentdb::Error::WrongExpectedVersion { current, .. }) => {
                    return Err(AppendError::Conflict {
                        stream: stream.clone(),
                        expected,
                        actual: version_of(current),
                    });
                }
                Err(e) => return Err(backend(e).into()),
            }
        }
    }

    /// Stream revisions count from 0, versions from 1: the event of
    /// version `after + 1` is at revision `after`.
    async fn read_stream_after(
        &self,
        stream: &StreamId,
        after: Version,
    ) -> Result<Vec<Recorded>, StoreError> {
        self.ensure_open()?;
        let from = match after {
            0 => StreamPosition::Start,
            v => StreamPosition::Position(v),
        };
        let options = ReadStreamOptions::default().forwards().position(from);
        let events = match self.client.read_stream(stream.as_str(), &options).await {
            Ok(read) => collect(read).await,
            Err(e) => Err(e),
        };
        match events {
            Ok(events) => events.iter().map(stream_event).collect(),
            Err(kurrentdb::Error::ResourceNotFound) => Ok(Vec::new()),
            Err(e) => Err(backend(e)),
        }
    }

    /// Events after `after` in `$all` order, skipping system events and
    /// events this store did not write.
    async fn read_all(&self, after: Position, limit: usize) -> Result<Vec<Recorded>, StoreError> {
        self.ensure_open()?;
        let mut out = Vec::new();
        let mut seen = after;
        while out.len() < limit {
            let from = match seen {
                0 => StreamPosition::Start,
                p => StreamPosition::Position(at(p)),
            };
            let options = ReadAllOptions::default()
                .position(from)
                .forwards()
                .max_count(PAGE);
            let page = read_all_page(&self.client, &options).await?;
            let before = seen;
            // A read from a position includes the event there; skip it.
            for e in page.iter().filter(|e| e.position.commit > before) {
                seen = e.position.commit;
                if let Some(recorded) = envelope::from_recorded(e) {
                    out.push(recorded?);
                    if out.len() == limit {
                        break;
                    }
                }
            }
            if page.len() < PAGE || seen == before {
                break;
            }
        }
        Ok(out)
    }

    async fn head(&self) -> Result<Position, StoreError> {
        self.ensure_open()?;
        head_of(&self.client).await
    }

    /// Reads `$all` backwards from its end until the event, or one of our
    /// events recorded before `since`.
    async fn find_event(
        &self,
        event_id: uuid::Uuid,
        since: cma_domain::Timestamp,
    ) -> Result<Option<Recorded>, StoreError> {
        self.ensure_open()?;
        let found = read_backwards(&self.client, |e| {
            let recorded = match envelope::from_recorded(e)? {
                Ok(recorded) => recorded,
                Err(e) => return Some(Err(e)),
            };
            if recorded.event.event_id == event_id {
                Some(Ok(Some(recorded)))
            } else if recorded.event.recorded_at < since {
                Some(Ok(None))
            } else {
                None
            }
        })
        .await?;
        Ok(found.flatten())
    }

    /// Each append goes to the server on its own, so only a closed store
    /// is known not to take appends.
    fn can_append(&self) -> Result<(), StoreError> {
        self.ensure_open()
    }

    fn subscribe(&self) -> watch::Receiver<Position> {
        self.committed.subscribe()
    }

    async fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.stop_following();
    }
}

/// A client error: the server out of reach (or not the leader, or too
/// slow) is [`StoreError::Unavailable`], anything else a backend error.
fn backend(e: kurrentdb::Error) -> StoreError {
    match e {
        kurrentdb::Error::ConnectionClosed
        | kurrentdb::Error::GrpcConnectionError(_)
        | kurrentdb::Error::NotLeaderException(_)
        | kurrentdb::Error::DeadlineExceeded => StoreError::from_backend(e, true),
        e => StoreError::from_backend(e, false),
    }
}

/// The `$all` position of one of our events (written alone in its commit,
/// so its commit and prepare positions are equal).
fn at(position: Position) -> kurrentdb::Position {
    kurrentdb::Position {
        commit: position,
        prepare: position,
    }
}

/// What KurrentDB must find for a stream we have read at `version`: our
/// version counts events, a KurrentDB revision numbers the last one from 0.
fn state_at(version: Version) -> StreamState {
    match version.checked_sub(1) {
        None => StreamState::NoStream,
        Some(revision) => StreamState::StreamRevision(revision),
    }
}

/// Our version of a stream KurrentDB reports at `current`.
fn version_of(current: CurrentRevision) -> Version {
    match current {
        CurrentRevision::NoStream => 0,
        CurrentRevision::Current(revision) => revision.saturating_add(1),
    }
}

/// The events as KurrentDB event data chained to `head`, and the stream's
/// version after them.
fn link(
    stream: &StreamId,
    head: Head,
    events: &[NewEvent],
) -> Result<(Vec<EventData>, Version), StoreError> {
    let mut cur = head;
    let mut data = Vec::with_capacity(events.len());
    for event in events {
        let version = cur.version + 1;
        let hash = hash_event(&cur.hash, stream, version, event);
        data.push(envelope::to_event_data(event, version, &cur.hash, &hash)?);
        cur = Head { version, hash };
    }
    Ok((data, cur.version))
}

/// An event read from one of our streams, which must carry our envelope.
fn stream_event(e: &RecordedEvent) -> Result<Recorded, StoreError> {
    envelope::from_recorded(e).unwrap_or_else(|| {
        Err(StoreError::Corrupt {
            position: e.position.commit,
            reason: format!("event in stream {} lacks the log's metadata", e.stream_id()),
        })
    })
}

/// The version and hash of a stream's last event.
async fn stream_head(client: &Client, stream: &StreamId) -> Result<Head, StoreError> {
    let options = ReadStreamOptions::default()
        .position(StreamPosition::End)
        .max_count(1);
    let last = match client.read_stream(stream.as_str(), &options).await {
        Ok(read) => collect(read).await,
        Err(e) => Err(e),
    };
    match last {
        Ok(events) => match events.first() {
            None => Ok(Head::EMPTY),
            Some(e) => stream_event(e).map(|r| Head {
                version: r.version,
                hash: r.hash,
            }),
        },
        Err(kurrentdb::Error::ResourceNotFound) => Ok(Head::EMPTY),
        Err(e) => Err(backend(e)),
    }
}

/// The position of the last of our events in `$all` (0 when there is none).
async fn head_of(client: &Client) -> Result<Position, StoreError> {
    let last = read_backwards(client, |e| {
        envelope::from_recorded(e).map(|recorded| recorded.map(|r| r.position))
    })
    .await?;
    Ok(last.unwrap_or(0))
}

/// Reads `$all` backwards from its end, a page at a time, showing `visit`
/// each event until it answers (`None` when it never does).
async fn read_backwards<T>(
    client: &Client,
    mut visit: impl FnMut(&RecordedEvent) -> Option<Result<T, StoreError>>,
) -> Result<Option<T>, StoreError> {
    let mut from = StreamPosition::End;
    loop {
        let options = ReadAllOptions::default()
            .position(from)
            .backwards()
            .max_count(PAGE);
        let page = read_all_page(client, &options).await?;
        let below = |e: &&RecordedEvent| match from {
            StreamPosition::Position(p) => e.position < p,
            _ => true,
        };
        let mut oldest = None;
        for e in page.iter().filter(below) {
            if let Some(answer) = visit(e) {
                return answer.map(Some);
            }
            oldest = Some(e.position);
        }
        match oldest {
            Some(p) if page.len() == PAGE => from = StreamPosition::Position(p),
            _ => return Ok(None),
        }
    }
}

async fn read_all_page(
    client: &Client,
    options: &ReadAllOptions,
) -> Result<Vec<RecordedEvent>, StoreError> {
    let read = client.read_all(options).await.map_err(backend)?;
    collect(read).await.map_err(backend)
}

/// Every event of a read, in order.
async fn collect(mut read: ReadStream) -> Result<Vec<RecordedEvent>, kurrentdb::Error> {
    let mut out = Vec::new();
    while let Some(resolved) = read.next().await? {
        out.extend(resolved.event);
    }
    Ok(out)
}

/// Raises `committed` as events are committed to `$all` by any process,
/// re-subscribing from the last known position whenever the subscription fails.
async fn follow(client: Client, committed: watch::Sender<Position>) {
    let filter = SubscriptionFilter::on_event_type().exclude_system_events();
    loop {
        match head_of(&client).await {
            Ok(head) => raise(&committed, head),
            Err(e) => tracing::warn!(error = %e, "cannot read the head of $all"),
        }
        let from = match *committed.borrow() {
            0 => StreamPosition::Start,
            p => StreamPosition::Position(at(p)),
        };
        let options = SubscribeToAllOptions::default()
            .position(from)
            .filter(filter.clone());
        let mut subscription = client.subscribe_to_all(&options).await;
        loop {
            match subscription.next().await {
                Ok(resolved) => {
                    if let Some(e) = resolved.event
                        && envelope::from_recorded(&e).is_some()
                    {
                        raise(&committed, e.position.commit);
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "subscription to $all dropped; re-subscribing");
                    break;
                }
            }
        }
        tokio::time::sleep(RESUBSCRIBE_DELAY).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absent_stream_is_expected_to_have_no_stream() {
        assert_eq!(state_at(0), StreamState::NoStream);
    }

    #[test]
    fn a_stream_of_n_events_is_expected_at_revision_n_minus_one() {
        assert_eq!(state_at(1), StreamState::StreamRevision(0));
        assert_eq!(state_at(7), StreamState::StreamRevision(6));
    }

    #[test]
    fn a_reported_revision_is_the_version_minus_one() {
        assert_eq!(version_of(CurrentRevision::NoStream), 0);
        assert_eq!(version_of(CurrentRevision::Current(0)), 1);
        assert_eq!(version_of(CurrentRevision::Current(41)), 42);
    }

    #[test]
    fn a_position_addresses_its_own_commit() {
        assert_eq!(
            at(1234),
            kurrentdb::Position {
                commit: 1234,
                prepare: 1234
            }
        );
    }
}
