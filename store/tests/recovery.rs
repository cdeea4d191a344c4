//! The writer outlives a failed batch, on the real databases: a failed batch
//! fails only its own appends (as "unavailable", writing nothing), the
//! store's health says so, and appends succeed again once the database does
//! — after PostgreSQL terminates the writer's backend, and after the disk
//! holding an SQLite log fills up and then has room again.

#[allow(dead_code)]
mod support;

use cma_domain::Timestamp;
use cma_store::postgres::PgStore;
use cma_store::sqlite::SqliteStore;
use cma_store::verify::verify_log;
use cma_store::{
    Actor, AppendError, Appended, EventStore, Expected, NewEvent, StoreError, StreamId,
};
use futures::FutureExt;
use sqlx::Connection;
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use support::{admin, untraced};
use uuid::Uuid;

const SERVER: &str = "postgres://postgres@127.0.0.1:5432";

/// Longest a recovering store may take to say it takes appends again.
const RECOVERY: Duration = Duration::from_secs(10);

fn event(n: usize, payload: usize) -> NewEvent {
    NewEvent {
        event_id: Uuid::new_v4(),
        event_type: "RecoveryChecked".to_owned(),
        schema_version: 1,
        recorded_at: Timestamp::from_micros(1_767_225_600_000_000 + i64::try_from(n).unwrap_or(0))
            .unwrap_or(Timestamp::UNIX_EPOCH),
        actor: Actor::System,
        metadata: untraced(),
        payload: vec![u8::try_from(n % 251).unwrap_or(0); payload],
    }
}

fn events(count: usize, payload: usize) -> Vec<NewEvent> {
    (0..count).map(|n| event(n, payload)).collect()
}

/// An append that must be answered, in time.
async fn append(
    store: &dyn EventStore,
    stream: &StreamId,
    expected: Expected,
    events: Vec<NewEvent>,
) -> Result<Appended, AppendError> {
    tokio::time::timeout(
        Duration::from_secs(30),
        store.append(stream, expected, events),
    )
    .await
    .expect("an append is answered, not left waiting")
}

fn assert_unavailable(outcome: &Result<Appended, AppendError>) {
    assert!(
        matches!(
            outcome,
            Err(AppendError::Store(StoreError::Unavailable { .. }))
        ),
        "expected the store to be unavailable: {outcome:?}"
    );
}

/// Waits until the store says it takes appends again.
async fn until_writable(store: &dyn EventStore) {
    let waited = tokio::time::timeout(RECOVERY, async {
        while store.can_append().is_err() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "still not writable after {RECOVERY:?}: {:?}",
        store.can_append()
    );
}

/// The whole log verifies, holds every event of `kept` and none of `lost`.
async fn assert_log(store: &dyn EventStore, kept: &HashSet<Uuid>, lost: &HashSet<Uuid>) {
    let verified = verify_log(store, 0, |_, _| {})
        .await
        .expect("the chain verifies");
    let log = store.read_all(0, usize::MAX).await.expect("read the log");
    assert_eq!(verified.events, u64::try_from(log.len()).unwrap_or(0));
    let stored: HashSet<Uuid> = log.iter().map(|e| e.event.event_id).collect();
    assert_eq!(stored.len(), log.len(), "an event is stored twice");
    assert!(kept.is_subset(&stored), "an acknowledged event is missing");
    assert!(
        lost.is_disjoint(&stored),
        "an event of a refused append was written"
    );
    assert_eq!(
        &stored, kept,
        "the log holds exactly the acknowledged events"
    );
}

// ---------------------------------------------------------------- PostgreSQL

/// Terminates every backend of `database` (as an operator, or a failover,
/// would) and waits until they are gone.
async fn terminate_backends(database: &str) {
    let mut conn = sqlx::PgConnection::connect(&format!("{SERVER}/test"))
        .await
        .expect("an admin connection");
    let pids: Vec<i32> = sqlx::query_scalar(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(database)
    .fetch_all(&mut conn)
    .await
    .expect("list the backends");
    assert!(!pids.is_empty(), "the store holds connections");
    let terminated: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(database)
    .fetch_all(&mut conn)
    .await
    .expect("terminate the backends");
    assert!(terminated.iter().any(|t| *t), "no backend was terminated");
    let gone = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let left: i64 =
                sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1)")
                    .bind(&pids)
                    .fetch_one(&mut conn)
                    .await
                    .expect("count the backends");
            if left == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(gone.is_ok(), "the terminated backends did not exit");
    conn.close().await.expect("close the admin connection");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_writer_reconnects_after_its_backend_is_terminated() {
    let database = format!("cma_t_{}", Uuid::new_v4().simple());
    admin(&format!("CREATE DATABASE {database}")).await;
    let outcome = std::panic::AssertUnwindSafe(writer_reconnects(&database))
        .catch_unwind()
        .await;
    admin(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")).await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn writer_reconnects(database: &str) {
    let store = PgStore::connect(&format!("{SERVER}/{database}"))
        .await
        .expect("connect to the PostgreSQL event log");
    let stream = StreamId::new("recovery", Uuid::new_v4());
    let mut kept = HashSet::new();
    let mut lost = HashSet::new();
    let first = events(3, 16);
    kept.extend(first.iter().map(|e| e.event_id));
    let mut version = append(&store, &stream, Expected::NoStream, first)
        .await
        .expect("append before the backends go")
        .version;
    assert!(store.can_append().is_ok());

    terminate_backends(database).await;

    // The writer's connection is dead: the batch that finds out fails, as
    // unavailable, and the store says it does not take appends.
    let doomed = events(2, 16);
    let ids: Vec<Uuid> = doomed.iter().map(|e| e.event_id).collect();
    let outcome = append(&store, &stream, Expected::Exactly(version), doomed).await;
    assert_unavailable(&outcome);
    assert!(
        matches!(store.can_append(), Err(StoreError::Unavailable { .. })),
        "health after the failed batch: {:?}",
        store.can_append()
    );
    lost.extend(ids);

    // The next append reconnects and continues the stream where it was.
    let next = events(2, 16);
    kept.extend(next.iter().map(|e| e.event_id));
    let appended = append(&store, &stream, Expected::Exactly(version), next)
        .await
        .expect("an append after the failure succeeds on a new connection");
    assert_eq!(appended.version, version + 2);
    version = appended.version;
    assert!(store.can_append().is_ok(), "{:?}", store.can_append());

    // And so do concurrent ones, batched together again.
    let streams: Vec<StreamId> = (0..8)
        .map(|_| StreamId::new("recovery", Uuid::new_v4()))
        .collect();
    let batch: Vec<Vec<NewEvent>> = streams.iter().map(|_| events(2, 16)).collect();
    for events in &batch {
        kept.extend(events.iter().map(|e| e.event_id));
    }
    let outcomes = futures::future::join_all(
        streams
            .iter()
            .zip(batch)
            .map(|(s, e)| append(&store, s, Expected::NoStream, e)),
    )
    .await;
    for outcome in outcomes {
        outcome.expect("concurrent append after recovery");
    }
    assert_eq!(
        store.read_stream(&stream).await.expect("read").len(),
        usize::try_from(version).unwrap_or(0)
    );
    assert_log(&store, &kept, &lost).await;
    store.close().await;
}

// -------------------------------------------------------------------- SQLite

/// A small tmpfs mounted on a temporary directory of its own, unmounted
/// (lazily, so an open file cannot keep it) when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("run mount");
        assert!(
            status.success(),
            "mounting a small tmpfs failed ({status}); this test fills a real disk \
             and needs the right to mount one (it runs as root in CI)"
        );
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Writes a file until the disk has no room left.
fn fill(path: &Path) {
    let mut file = std::fs::File::create(path).expect("create the filler");
    let chunk = vec![0xAB_u8; 4096];
    loop {
        if file
            .write_all(&chunk)
            .and_then(|()| file.sync_all())
            .is_err()
        {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_writer_recovers_when_a_full_disk_has_room_again() {
    let disk = SmallDisk::mount("4m");
    let store = SqliteStore::open(&disk.path().join("events.db"))
        .await
        .expect("open the SQLite event log");
    let filler: PathBuf = disk.path().join("filler");
    let streams: Vec<StreamId> = (0..4)
        .map(|_| StreamId::new("recovery", Uuid::new_v4()))
        .collect();
    let mut versions = vec![0_u64; streams.len()];
    let mut kept = HashSet::new();
    let mut lost = HashSet::new();
    for (stream, version) in streams.iter().zip(&mut versions) {
        let first = events(2, 64);
        kept.extend(first.iter().map(|e| e.event_id));
        *version = append(&store, stream, Expected::NoStream, first)
            .await
            .expect("append while there is room")
            .version;
    }

    fill(&filler);

    // Concurrent appends (one batch) of a few pages each, until the disk
    // refuses one: those fail as unavailable, the others are kept.
    let mut failed = false;
    for _ in 0..200 {
        let batch: Vec<Vec<NewEvent>> = streams.iter().map(|_| events(4, 3000)).collect();
        let outcomes = futures::future::join_all(streams.iter().zip(&versions).zip(&batch).map(
            |((stream, version), events)| {
                append(&store, stream, Expected::Exactly(*version), events.clone())
            },
        ))
        .await;
        for ((outcome, events), version) in outcomes.iter().zip(&batch).zip(&mut versions) {
            let ids = events.iter().map(|e| e.event_id);
            match outcome {
                Ok(appended) => {
                    *version = appended.version;
                    kept.extend(ids);
                }
                Err(_) => {
                    assert_unavailable(outcome);
                    failed = true;
                    lost.extend(ids);
                }
            }
        }
        if failed {
            break;
        }
    }
    assert!(failed, "the full disk never refused an append");
    assert!(
        matches!(store.can_append(), Err(StoreError::Unavailable { .. })),
        "health while the disk is full: {:?}",
        store.can_append()
    );

    // Still full: a further append is answered, and refused the same way.
    let refused = events(4, 3000);
    lost.extend(refused.iter().map(|e| e.event_id));
    let outcome = append(&store, &streams[0], Expected::Exactly(versions[0]), refused).await;
    assert_unavailable(&outcome);
    assert!(store.can_append().is_err());

    // Room again: the writer's probe notices without any append, and every
    // stream continues from the version its last acknowledged append left.
    std::fs::remove_file(&filler).expect("free the space");
    until_writable(&store).await;
    for (stream, version) in streams.iter().zip(&mut versions) {
        let more = events(3, 64);
        kept.extend(more.iter().map(|e| e.event_id));
        let appended = append(&store, stream, Expected::Exactly(*version), more)
            .await
            .expect("append once the disk has room");
        assert_eq!(appended.version, *version + 3);
        *version = appended.version;
    }
    assert!(store.can_append().is_ok());
    for (stream, version) in streams.iter().zip(&versions) {
        let read = store.read_stream(stream).await.expect("read the stream");
        assert_eq!(u64::try_from(read.len()).unwrap_or(0), *version);
    }
    assert_log(&store, &kept, &lost).await;
    store.close().await;
    assert!(matches!(store.can_append(), Err(StoreError::Closed)));
}
