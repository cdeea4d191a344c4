//! The log of a process that alone appends to it: the embedded default,
//! whose data directory one `cma serve` owns (docs/operations.md, "Two
//! deployments"). Every append goes through this process, so it knows each
//! stream's version as of its last append or read of it, and a command
//! runner holding a state folded up to that version knows the state is
//! current without reading the log ([`EventStore::known_version`]).
//!
//! What is known is only ever a version the log held: an append's own
//! outcome, or what a read found when no append finished during it. A
//! version only grows, so the larger of two facts is the later one; a
//! read's fact is dropped when a known version was let go during the read,
//! since a later append's fact may have been let go with it.

use crate::envelope::{NewEvent, Position, Recorded, StreamId, Version};
use crate::guarded::{Guarded, Seen};
use crate::store::{
    AppendError, Appended, EventStore, Expected, Queued, Series, StoreError, Visitor,
};
use async_trait::async_trait;
use cma_domain::Timestamp;
use std::num::NonZeroUsize;
use std::sync::Arc;
use tokio::sync::{oneshot, watch};
use uuid::Uuid;

/// How many streams' versions are known; the least recently used beyond
/// it are read from the log again when next needed.
const KNOWN: NonZeroUsize = NonZeroUsize::new(100_000).expect("not zero");

/// An event log this process alone appends to, knowing its streams' versions.
pub struct OwnedLog {
    log: Arc<dyn EventStore>,
    /// A version only grows: of two facts the larger is the later one.
    known: Arc<Guarded<StreamId, Version>>,
}

fn later(known: &mut Version, version: Version) {
    *known = (*known).max(version);
}

impl OwnedLog {
    /// `log`, which no other process (nor any other handle in this one)
    /// appends to.
    pub fn new(log: Arc<dyn EventStore>) -> Self {
        Self {
            log,
            known: Arc::new(Guarded::merging(KNOWN)),
        }
    }

    /// Learns what a read that began at `seen` found: `after` asked, the
    /// stream's events since it read.
    fn learn_read(&self, seen: Seen, stream: &StreamId, after: Version, read: &[Recorded]) {
        let version = read.last().map_or(after, |r| r.version);
        self.known.keep(stream, version, Some(seen), later);
    }

    /// An append's `outcome`, learnt by a task of its own, which no caller
    /// can drop: the writer commits an append whether or not its caller
    /// still waits (a request dropped by its client).
    fn learnt(
        &self,
        stream: &StreamId,
        outcome: impl Future<Output = Result<Appended, AppendError>> + Send + 'static,
    ) -> Queued {
        let (known, stream) = (self.known.clone(), stream.clone());
        let (reply, answer) = oneshot::channel();
        tokio::spawn(async move {
            let outcome = outcome.await;
            Self::learn_append(&known, &stream, &outcome);
            let _ = reply.send(outcome);
        });
        Queued(answer)
    }

    /// Learns what an append's `outcome` says of `stream`.
    fn learn_append(
        known: &Guarded<StreamId, Version>,
        stream: &StreamId,
        outcome: &Result<Appended, AppendError>,
    ) {
        match outcome {
            Ok(appended) => known.keep(stream, appended.version, None, later),
            // The version the log held when the append was judged: a fact
            // like any other (outcomes of appends queued one behind another
            // may be learnt in any order; the larger fact is the later).
            Err(AppendError::Conflict { actual, .. }) => known.keep(stream, *actual, None, later),
            Err(AppendError::DuplicateEventId(_)) => {}
            // A failure may have been committed: let the version go.
            Err(AppendError::Store(_)) => known.change_one(stream),
        }
    }
}

#[async_trait]
impl EventStore for OwnedLog {
    async fn append(
        &self,
        stream: &StreamId,
        expected: Expected,
        events: Vec<NewEvent>,
    ) -> Result<Appended, AppendError> {
        let (log, appended) = (self.log.clone(), stream.clone());
        self.learnt(stream, async move {
            log.append(&appended, expected, events).await
        })
        .outcome()
        .await
    }

    fn queues_appends(&self) -> bool {
        self.log.queues_appends()
    }

    async fn queue_append(
        &self,
        stream: &StreamId,
        expected: Expected,
        events: Vec<NewEvent>,
        series: Arc<Series>,
    ) -> Result<Queued, AppendError> {
        let queued = self
            .log
            .queue_append(stream, expected, events, series)
            .await?;
        Ok(self.learnt(stream, queued.outcome()))
    }

    fn known_version(&self, stream: &StreamId) -> Option<Version> {
        self.known.find(stream, |v| Some(*v)).ok()
    }

    async fn read_stream_after(
        &self,
        stream: &StreamId,
        after: Version,
    ) -> Result<Vec<Recorded>, StoreError> {
        let seen = self.known.seen();
        let read = self.log.read_stream_after(stream, after).await?;
        self.learn_read(seen, stream, after, &read);
        Ok(read)
    }

    async fn read_streams_after(
        &self,
        streams: &[(StreamId, Version)],
    ) -> Result<Vec<Vec<Recorded>>, StoreError> {
        let seen = self.known.seen();
        let read = self.log.read_streams_after(streams).await?;
        for ((stream, after), events) in streams.iter().zip(&read) {
            self.learn_read(seen, stream, *after, events);
        }
        Ok(read)
    }

    async fn read_all(&self, after: Position, limit: usize) -> Result<Vec<Recorded>, StoreError> {
        self.log.read_all(after, limit).await
    }

    async fn scan(
        &self,
        after: Position,
        limit: usize,
        visitor: Box<dyn Visitor>,
    ) -> Result<Box<dyn Visitor>, StoreError> {
        self.log.scan(after, limit, visitor).await
    }

    async fn find_event(
        &self,
        event_id: Uuid,
        since: Timestamp,
    ) -> Result<Option<Recorded>, StoreError> {
        self.log.find_event(event_id, since).await
    }

    async fn head(&self) -> Result<Position, StoreError> {
        self.log.head().await
    }

    fn subscribe(&self) -> watch::Receiver<Position> {
        self.log.subscribe()
    }

    fn can_append(&self) -> Result<(), StoreError> {
        self.log.can_append()
    }

    async fn close(&self) {
        self.log.close().await;
    }

    fn positions_are_contiguous(&self) -> bool {
        self.log.positions_are_contiguous()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::noted as event;
    use crate::sqlite::SqliteStore;

    async fn sqlite_log(dir: &tempfile::TempDir) -> Arc<dyn EventStore> {
        Arc::new(
            SqliteStore::open(&dir.path().join("events.db"))
                .await
                .expect("open"),
        )
    }

    #[tokio::test]
    async fn versions_are_known_from_appends_reads_and_conflicts() {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = sqlite_log(&dir).await;
        let owned = OwnedLog::new(log.clone());
        let (a, b) = (
            StreamId::new("note", Uuid::new_v4()),
            StreamId::new("note", Uuid::new_v4()),
        );
        assert_eq!(owned.known_version(&a), None, "neither appended nor read");
        owned
            .append(&a, Expected::NoStream, vec![event(), event()])
            .await
            .expect("appended");
        assert_eq!(owned.known_version(&a), Some(2));

        // Another handle on the same log learns by reading: nothing after
        // the version asked, or the last event read.
        let other = OwnedLog::new(log.clone());
        assert_eq!(other.known_version(&a), None);
        other.read_stream_after(&a, 2).await.expect("read");
        assert_eq!(other.known_version(&a), Some(2));
        let fresh = OwnedLog::new(log.clone());
        fresh
            .read_streams_after(&[(a.clone(), 1), (b.clone(), 0)])
            .await
            .expect("read");
        assert_eq!(fresh.known_version(&a), Some(2));
        assert_eq!(fresh.known_version(&b), Some(0), "an absent stream is at 0");

        // A conflict says what the log held: that is known then (here an
        // append made behind this handle's back, as a test may).
        log.append(&a, Expected::Exactly(2), vec![event()])
            .await
            .expect("appended elsewhere");
        let conflict = owned.append(&a, Expected::Exactly(2), vec![event()]).await;
        assert!(
            matches!(conflict, Err(AppendError::Conflict { actual: 3, .. })),
            "{conflict:?}"
        );
        assert_eq!(owned.known_version(&a), Some(3));
        log.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_append_whose_caller_gave_up_is_learnt_all_the_same() {
        use std::time::{Duration, Instant};

        let dir = tempfile::tempdir().expect("temp dir");
        let owned = OwnedLog::new(sqlite_log(&dir).await);
        let a = StreamId::new("note", Uuid::new_v4());
        owned.read_stream_after(&a, 0).await.expect("read");
        assert_eq!(owned.known_version(&a), Some(0));

        // The caller gives up once its append is on its way (as a request
        // dropped by its client does); the log commits it all the same.
        {
            let append = owned.append(&a, Expected::NoStream, vec![event()]);
            tokio::pin!(append);
            assert!(futures::poll!(append.as_mut()).is_pending());
        }
        let mut committed = owned.subscribe();
        tokio::time::timeout(
            Duration::from_secs(10),
            committed.wait_for(|head| *head >= 1),
        )
        .await
        .expect("committed in time")
        .expect("the log still open");

        // What is known follows the log, never staying at the version before.
        let since = Instant::now();
        while owned.known_version(&a) != Some(1) {
            assert!(
                since.elapsed() < Duration::from_secs(10),
                "known {:?} after the append was committed",
                owned.known_version(&a)
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        owned.close().await;
    }

    #[tokio::test]
    async fn a_read_during_which_a_version_was_let_go_teaches_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let owned = OwnedLog::new(sqlite_log(&dir).await);
        let (a, b) = (
            StreamId::new("note", Uuid::new_v4()),
            StreamId::new("note", Uuid::new_v4()),
        );
        owned
            .append(&a, Expected::NoStream, vec![event()])
            .await
            .expect("appended");
        owned.known.change_one(&a);

        // The read began before another version was let go (which may have
        // been a later append's): what it found is not learnt.
        let before = owned.known.seen();
        let read = owned.log.read_stream_after(&a, 0).await.expect("read");
        owned.known.change_one(&b);
        owned.learn_read(before, &a, 0, &read);
        assert_eq!(owned.known_version(&a), None);

        // Begun after, it is.
        let before = owned.known.seen();
        owned.learn_read(before, &a, 0, &read);
        assert_eq!(owned.known_version(&a), Some(1));

        // A later version is never lowered by an earlier fact.
        owned
            .append(&a, Expected::Exactly(1), vec![event()])
            .await
            .expect("appended");
        owned.learn_read(before, &a, 0, &read);
        assert_eq!(owned.known_version(&a), Some(2));
        owned.close().await;
    }
}
