//! Group commit: one writer task per store takes every append waiting at the
//! moment and commits them in one transaction, so one durable sync serves
//! many appenders and throughput grows with concurrency.

use crate::chain::{GENESIS, hash_event};
use crate::envelope::{Hash, NewEvent, Position, StreamId, Version};
use crate::store::{AppendError, Appended, Expected, StoreError};
use std::collections::HashMap;
use tokio::sync::{mpsc, oneshot, watch};

/// Most appends committed in one transaction.
pub const MAX_BATCH: usize = 256;

pub type Outcome = Result<Appended, AppendError>;

/// One append waiting for the writer.
pub struct Request {
    pub stream: StreamId,
    pub expected: Expected,
    pub events: Vec<NewEvent>,
    pub reply: oneshot::Sender<Outcome>,
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

/// Checks each request in order against the stream heads (as earlier requests
/// of the batch leave them), assigns positions from `next` and links hashes.
/// A refused request writes nothing and does not disturb the others.
pub fn plan<'a>(
    requests: &'a [Request],
    heads: &mut HashMap<StreamId, Head>,
    mut next: Position,
) -> (Vec<Row<'a>>, Vec<Outcome>) {
    let mut rows = Vec::new();
    let mut outcomes = Vec::with_capacity(requests.len());
    for r in requests {
        let head = heads.get(&r.stream).copied().unwrap_or(Head::EMPTY);
        if !r.expected.admits(head.version) {
            outcomes.push(Err(AppendError::Conflict {
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
        outcomes.push(Ok(Appended {
            positions,
            version: cur.version,
        }));
    }
    (rows, outcomes)
}

/// A backend that commits a batch of appends in one transaction.
pub trait BatchWriter: Send + 'static {
    /// Commits every admissible request of the batch atomically and returns
    /// each request's outcome and the log's head after the commit.
    fn commit(
        &mut self,
        requests: &[Request],
    ) -> impl Future<Output = Result<(Vec<Outcome>, Position), StoreError>> + Send;
}

/// Runs the writer until every sender is gone, answering each request.
pub async fn run<W: BatchWriter>(
    mut rx: mpsc::Receiver<Request>,
    mut writer: W,
    committed: watch::Sender<Position>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match writer.commit(&batch).await {
            Ok((outcomes, head)) => {
                for (request, outcome) in batch.drain(..).zip(outcomes) {
                    let _ = request.reply.send(outcome);
                }
                raise(&committed, head);
            }
            Err(e) => {
                tracing::error!(error = %e, "event log batch failed");
                for request in batch.drain(..) {
                    let _ = request.reply.send(Err(AppendError::Store(e.clone())));
                }
            }
        }
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
}

impl Committer {
    pub fn start<W: BatchWriter>(writer: W, committed: watch::Sender<Position>) -> Self {
        let (tx, rx) = mpsc::channel(MAX_BATCH * 4);
        let task = tokio::spawn(run(rx, writer, committed));
        Self {
            tx: std::sync::Mutex::new(Some(tx)),
            task: tokio::sync::Mutex::new(Some(task)),
        }
    }

    pub async fn append(
        &self,
        stream: &StreamId,
        expected: Expected,
        events: Vec<NewEvent>,
    ) -> Result<Appended, AppendError> {
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
                reply,
            })
            .await
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
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
