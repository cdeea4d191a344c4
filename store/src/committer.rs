//! Group commit: one writer task per store takes every append waiting at the
//! moment and commits them in one transaction, so one durable sync serves
//! many appenders and throughput grows with concurrency.

use crate::chain::{GENESIS, hash_event};
use crate::envelope::{Hash, NewEvent, Position, StreamId, Version};
use crate::store::{AppendError, Appended, Expected, Queued, Series, StoreError};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;
use uuid::Uuid;

/// Most appends committed in one transaction.
pub const MAX_BATCH: usize = 256;

pub type Outcome = Result<Appended, AppendError>;

/// One append waiting for the writer.
pub struct Request {
    pub stream: StreamId,
    pub expected: Expected,
    pub events: Vec<NewEvent>,
    /// The series the append was queued in, if any: refused once broken.
    pub series: Option<Arc<Series>>,
    pub reply: oneshot::Sender<Outcome>,
}

impl Request {
    /// Breaks the request's series when `outcome` is not an append.
    fn judged(&self, outcome: &Outcome) {
        if outcome.is_err()
            && let Some(series) = &self.series
        {
            series.break_off();
        }
    }
}

/// One event ready to insert: its place in the log and its chain link.
pub struct Row<'a> {
    pub position: Position,
    pub stream: &'a StreamId,
    pub version: Version,
    pub event: &'a NewEvent,
    pub prev_hash: Hash,
    pub hash: Hash,
}

/// A stream's last version and hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    pub version: Version,
    pub hash: Hash,
}

impl Head {
    pub const EMPTY: Head = Head {
        version: 0,
        hash: GENESIS,
    };
}

/// The event ids of a batch's requests, to look up among those recorded.
pub fn event_ids(requests: &[Request]) -> Vec<Uuid> {
    requests
        .iter()
        .flat_map(|r| r.events.iter().map(|e| e.event_id))
        .collect()
}

/// Checks each request in order against the stream heads (as earlier requests
/// of the batch leave them), assigns positions from `next` and links hashes.
/// A request carrying an event id already `recorded`, already taken by an
/// earlier request of the batch or twice in itself is refused (a caller
/// supplies the ids), and so is one of a broken series (an earlier one of
/// its series refused, here or before). A refused request writes nothing
/// and does not disturb the others, but breaks its series.
pub fn plan<'a>(
    requests: &'a [Request],
    heads: &mut HashMap<StreamId, Head>,
    recorded: &HashSet<Uuid>,
    mut next: Position,
) -> (Vec<Row<'a>>, Vec<Outcome>) {
    let mut rows = Vec::new();
    let mut outcomes = Vec::with_capacity(requests.len());
    let mut taken: HashSet<Uuid> = HashSet::new();
    for r in requests {
        let mut refuse = |outcome: Outcome| {
            r.judged(&outcome);
            outcomes.push(outcome);
        };
        let mut ids = HashSet::with_capacity(r.events.len());
        let duplicate = r.events.iter().find(|e| {
            recorded.contains(&e.event_id) || taken.contains(&e.event_id) || !ids.insert(e.event_id)
        });
        if let Some(e) = duplicate {
            refuse(Err(AppendError::DuplicateEventId(e.event_id)));
            continue;
        }
        let head = heads.get(&r.stream).copied().unwrap_or(Head::EMPTY);
        let broken = r.series.as_ref().is_some_and(|s| s.is_broken());
        if broken || !r.expected.admits(head.version) {
            refuse(Err(AppendError::Conflict {
                stream: r.stream.clone(),
                expected: r.expected,
                actual: head.version,
            }));
            continue;
        }
        let mut cur = head;
        let mut positions = Vec::with_capacity(r.events.len());
        for event in &r.events {
            let version = cur.version + 1;
            let hash = hash_event(&cur.hash, &r.stream, version, event);
            rows.push(Row {
                position: next,
                stream: &r.stream,
                version,
                event,
                prev_hash: cur.hash,
                hash,
            });
            positions.push(next);
            next += 1;
            cur = Head { version, hash };
        }
        heads.insert(r.stream.clone(), cur);
        taken.extend(ids);
        outcomes.push(Ok(Appended {
            positions,
            version: cur.version,
        }));
    }
    (rows, outcomes)
}

/// A backend that commits a batch of appends in one transaction.
///
/// After a failed commit or probe the writer must hold nothing it read
/// before the failure (stream heads, the log's head) and no connection that
/// may be broken: its next call starts from the database afresh.
pub trait BatchWriter: Send + 'static {
    /// Commits every admissible request of the batch atomically and returns
    /// each request's outcome and the log's head after the commit. On an
    /// error nothing of the batch is written.
    ///
    /// An append of a series broken before the batch (the writer reads
    /// [`Series::is_broken`] when the batch starts) or by an earlier append
    /// of the batch is refused as a conflict, so that appends may be queued
    /// in series behind each other without waiting for their outcomes
    /// ([`plan`] does this; the run judges each series once the batch's
    /// outcomes are known).
    fn commit(
        &mut self,
        requests: &[Request],
    ) -> impl Future<Output = Result<(Vec<Outcome>, Position), StoreError>> + Send;

    /// Commits a small write of no consequence, to learn whether commits
    /// succeed again after a failure.
    fn probe(&mut self) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// The pause after the first failure before the writer tries again; it
/// doubles with each further failure, up to [`RETRY_MAX`].
pub const RETRY_MIN: Duration = Duration::from_millis(100);
pub const RETRY_MAX: Duration = Duration::from_secs(2);

/// How long to wait after `failures` failures in a row.
fn pause(failures: u32) -> Duration {
    RETRY_MIN
        .saturating_mul(1 << failures.saturating_sub(1).min(16))
        .min(RETRY_MAX)
}

/// Whether the writer can commit: `Err` holds the last failure.
pub type Health = Result<(), StoreError>;

/// A failed batch's error as its appenders see it: whatever the backend
/// said, the batch wrote nothing and may succeed when tried again.
fn unavailable(e: StoreError) -> StoreError {
    match e {
        StoreError::Backend { reason, source } => StoreError::Unavailable { reason, source },
        other => other,
    }
}

/// Runs the writer until every sender is gone, answering each request.
///
/// A failed batch fails only its own requests. The writer then pauses
/// before each further attempt (requests queue meanwhile), and while idle it
/// probes the backend after each pause, until a batch or a probe succeeds;
/// `health` says which state it is in.
pub async fn run<W: BatchWriter>(
    mut rx: mpsc::Receiver<Request>,
    mut writer: W,
    committed: watch::Sender<Position>,
    health: watch::Sender<Health>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut failures: u32 = 0;
    loop {
        let received = if failures == 0 {
            rx.recv_many(&mut batch, MAX_BATCH).await
        } else {
            let retry_at = Instant::now() + pause(failures);
            tokio::select! {
                n = rx.recv_many(&mut batch, MAX_BATCH) => {
                    if n > 0 {
                        tokio::time::sleep_until(retry_at).await;
                        while batch.len() < MAX_BATCH {
                            match rx.try_recv() {
                                Ok(request) => batch.push(request),
                                Err(_) => break,
                            }
                        }
                    }
                    n
                }
                () = tokio::time::sleep_until(retry_at) => {
                    match writer.probe().await {
                        Ok(()) => recovered(&health, &mut failures),
                        Err(e) => {
                            tracing::debug!(error = %e, failures, "event log still unavailable");
                            failures = failures.saturating_add(1);
                            let _ = health.send_replace(Err(unavailable(e)));
                        }
                    }
                    continue;
                }
            }
        };
        if received == 0 {
            break;
        }
        match writer.commit(&batch).await {
            Ok((outcomes, head)) => {
                recovered(&health, &mut failures);
                for (request, outcome) in batch.drain(..).zip(outcomes) {
                    request.judged(&outcome);
                    let _ = request.reply.send(outcome);
                }
                raise(&committed, head);
            }
            Err(e) => {
                let e = unavailable(e);
                tracing::error!(
                    error = %e,
                    appends = batch.len(),
                    "event log batch failed; its appends are refused and the writer retries"
                );
                failures = failures.saturating_add(1);
                let _ = health.send_replace(Err(e.clone()));
                for request in batch.drain(..) {
                    let outcome = Err(AppendError::Store(e.clone()));
                    request.judged(&outcome);
                    let _ = request.reply.send(outcome);
                }
            }
        }
    }
}

/// Marks the writer healthy again after `failures` failures.
fn recovered(health: &watch::Sender<Health>, failures: &mut u32) {
    if *failures > 0 {
        tracing::info!(failures = *failures, "event log writable again");
        *failures = 0;
        let _ = health.send_replace(Ok(()));
    }
}

/// Moves the committed position up to `head` (never down), waking followers
/// only when it advances.
pub fn raise(committed: &watch::Sender<Position>, head: Position) {
    committed.send_if_modified(|seen| {
        let advanced = head > *seen;
        *seen = (*seen).max(head);
        advanced
    });
}

/// The sending side of a writer task, shared by the store's handles.
pub struct Committer {
    tx: std::sync::Mutex<Option<mpsc::Sender<Request>>>,
    task: tokio::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
    health: watch::Receiver<Health>,
}

impl Committer {
    pub fn start<W: BatchWriter>(writer: W, committed: watch::Sender<Position>) -> Self {
        let (tx, rx) = mpsc::channel(MAX_BATCH * 4);
        let (health_tx, health) = watch::channel(Ok(()));
        let task = tokio::spawn(run(rx, writer, committed, health_tx));
        Self {
            tx: std::sync::Mutex::new(Some(tx)),
            task: tokio::sync::Mutex::new(Some(task)),
            health,
        }
    }

    /// Whether the writer can commit now: closed, or the last batch or
    /// probe failed (until one succeeds), is an error.
    pub fn health(&self) -> Health {
        let open = self
            .tx
            .lock()
            .is_ok_and(|tx| tx.as_ref().is_some_and(|tx| !tx.is_closed()));
        if !open {
            return Err(StoreError::Closed);
        }
        self.health.borrow().clone()
    }

    pub async fn append(
        &self,
        stream: &StreamId,
        expected: Expected,
        events: Vec<NewEvent>,
    ) -> Result<Appended, AppendError> {
        self.queue(stream, expected, events, None)
            .await?
            .outcome()
            .await
    }

    /// Puts an append in line for the writer (in `series`, if any).
    pub async fn queue(
        &self,
        stream: &StreamId,
        expected: Expected,
        events: Vec<NewEvent>,
        series: Option<Arc<Series>>,
    ) -> Result<Queued, AppendError> {
        let sender = self
            .tx
            .lock()
            .map_err(|_| StoreError::Closed)?
            .clone()
            .ok_or(StoreError::Closed)?;
        let (reply, answer) = oneshot::channel();
        sender
            .send(Request {
                stream: stream.clone(),
                expected,
                events,
                series,
                reply,
            })
            .await
            .map_err(|_| StoreError::Closed)?;
        Ok(Queued(answer))
    }

    /// Stops accepting appends, lets the writer finish what it has, and waits for it.
    pub async fn close(&self) {
        if let Ok(mut tx) = self.tx.lock() {
            tx.take();
        }
        if let Some(task) = self.task.lock().await.take() {
            let _ = task.await;
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::envelope::noted;

    /// An append of `events` events to `stream`, in `series` if any.
    pub(crate) fn request(
        stream: &StreamId,
        expected: Expected,
        events: usize,
        series: Option<&Arc<Series>>,
    ) -> Request {
        Request {
            stream: stream.clone(),
            expected,
            events: (0..events).map(|_| noted()).collect(),
            series: series.cloned(),
            reply: oneshot::channel().0,
        }
    }

    /// The version each request's outcome leaves, or `None` for a refusal.
    fn versions(outcomes: &[Outcome]) -> Vec<Option<Version>> {
        outcomes
            .iter()
            .map(|o| o.as_ref().ok().map(|a| a.version))
            .collect()
    }

    #[test]
    fn appends_of_one_series_are_admitted_one_behind_another_in_one_batch() {
        let stream = StreamId::new("note", Uuid::new_v4());
        let series = Arc::new(Series::default());
        let batch = [
            request(&stream, Expected::NoStream, 1, Some(&series)),
            request(&stream, Expected::Exactly(1), 2, Some(&series)),
            request(&stream, Expected::Exactly(3), 1, Some(&series)),
        ];
        let (rows, outcomes) = plan(&batch, &mut HashMap::new(), &HashSet::new(), 1);
        assert_eq!(versions(&outcomes), [Some(1), Some(3), Some(4)]);
        assert_eq!(rows.len(), 4);
        assert!(!series.is_broken());
    }

    #[test]
    fn an_append_queued_behind_a_refused_one_of_its_series_is_refused() {
        let stream = StreamId::new("note", Uuid::new_v4());
        let mut heads = HashMap::from([(
            stream.clone(),
            Head {
                version: 1,
                ..Head::EMPTY
            },
        )]);
        let series = Arc::new(Series::default());
        // The series' first append expected a version the stream is not
        // at; an append of another series then takes the stream to the
        // version the series' second expects: its decision rested on the
        // first's events, never written, so it is refused all the same.
        let batch = [
            request(&stream, Expected::Exactly(2), 1, Some(&series)),
            request(&stream, Expected::Exactly(1), 2, None),
            request(&stream, Expected::Exactly(3), 1, Some(&series)),
            request(&stream, Expected::Exactly(3), 1, None),
        ];
        let (_, outcomes) = plan(&batch, &mut heads, &HashSet::new(), 10);
        assert_eq!(versions(&outcomes), [None, Some(3), None, Some(4)]);
        assert!(series.is_broken());
        // And in any later batch.
        let later = [request(&stream, Expected::Exactly(4), 1, Some(&series))];
        let (rows, outcomes) = plan(&later, &mut heads, &HashSet::new(), 20);
        assert_eq!(versions(&outcomes), [None]);
        assert!(rows.is_empty());
    }

    #[test]
    fn the_pause_doubles_from_the_minimum_up_to_the_maximum() {
        assert_eq!(pause(1), RETRY_MIN);
        assert_eq!(pause(2), RETRY_MIN * 2);
        assert_eq!(pause(3), RETRY_MIN * 4);
        assert_eq!(pause(10), RETRY_MAX);
        assert_eq!(pause(u32::MAX), RETRY_MAX);
    }

    #[test]
    fn a_failed_batch_is_unavailable_to_every_appender_with_its_cause() {
        let cause = std::io::Error::new(std::io::ErrorKind::StorageFull, "disk full");
        let failed = unavailable(StoreError::because("commit failed", cause));

        // Each appender of the batch gets a clone; all keep the one cause.
        for e in [failed.clone(), failed] {
            assert!(e.is_transient());
            assert_eq!(
                e.to_string(),
                "event store unavailable: commit failed: disk full"
            );
            let io = std::error::Error::source(&e)
                .and_then(|s| s.downcast_ref::<std::io::Error>())
                .expect("the cause survives");
            assert_eq!(io.kind(), std::io::ErrorKind::StorageFull);
        }
    }
}
