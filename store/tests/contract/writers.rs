//! PostgreSQL only: several writers on one log, as the processes of a
//! deployment share one database (each store opened here has its own
//! writer connection, group committer and listener, as a process has), the
//! database's hash of an event, which must be the chain's, and the series
//! the database judges within one batch.

use crate::backend::{Backend, Postgres};
use crate::concurrency::appender;
use crate::fixtures::{Scope, assert_streams_whole, bare_event, event};
use cma_domain::Timestamp;
use cma_store::chain::{GENESIS, hash_event};
use cma_store::postgres::PgStore;
use cma_store::verify::verify_log;
use cma_store::{
    Actor, AppendError, Appended, EventStore, Expected, Hash, Metadata, NewEvent, Position,
    StreamId, Version,
};
use sqlx::Connection;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;
use uuid::Uuid;

/// Rounds in which both writers append to one stream at the same version.
const ROUNDS: u64 = 40;
/// Appenders per writer (each writes `concurrency::EVENTS_PER_TASK` events).
const TASKS: u32 = 4;
const FOLLOWER_DEADLINE: Duration = Duration::from_secs(30);

/// Follows the log from `from` until it has seen `count` events: each read
/// must start right after the last position seen, so a commit that became
/// visible after a later one (a hole filled in behind the reader) fails.
async fn follow(store: Arc<PgStore>, from: Position, count: u64) {
    let mut last = from;
    let deadline = tokio::time::Instant::now() + FOLLOWER_DEADLINE;
    while last < from + count {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the follower saw only {} events",
            last - from
        );
        let page = store.read_all(last, 100).await.expect("read_all");
        if page.is_empty() {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        for e in page {
            assert_eq!(e.position, last + 1, "the log filled in behind a reader");
            last = e.position;
        }
    }
}

/// Both writers append to one stream expecting the same version, round
/// after round: exactly one wins each version and the other is told the
/// version it left.
async fn race(first: Arc<PgStore>, second: Arc<PgStore>, stream: StreamId) {
    for version in 0..ROUNDS {
        let (a, b) = tokio::join!(
            first.append(&stream, Expected::Exactly(version), vec![event(1)]),
            second.append(&stream, Expected::Exactly(version), vec![event(2)]),
        );
        let won = |outcome: &Result<Appended, AppendError>| match outcome {
            Ok(appended) => {
                assert_eq!(appended.version, version + 1);
                true
            }
            Err(AppendError::Conflict { actual, .. }) => {
                assert_eq!(*actual, version + 1, "the loser sees the winner's version");
                false
            }
            Err(other) => panic!("round {version}: {other}"),
        };
        assert!(won(&a) != won(&b), "round {version}: {a:?} {b:?}");
    }
}

/// Two writers on one database, appending at once to one raced stream,
/// to shared streams (retrying after conflicts) and to streams of their
/// own, with a follower reading along: positions stay gap-free and in
/// commit order, one append wins each expected version, every stream's
/// versions are whole, the chain verifies, and each writer learns of the
/// other's commits.
pub async fn several_writers_share_one_log(backend: &Postgres) {
    let first = Arc::new(backend.open().await);
    let second = Arc::new(backend.open().await);
    let scope = Scope::new();
    let before = first.head().await.expect("head");
    let appended = u64::from(2 * TASKS * crate::concurrency::EVENTS_PER_TASK);

    let follower = tokio::spawn(follow(first.clone(), before, ROUNDS + appended));
    let mut tasks = JoinSet::new();
    tasks.spawn(race(first.clone(), second.clone(), scope.stream()));
    let shared = [scope.stream(), scope.stream()];
    for task in 0..TASKS {
        for (n, store) in [&first, &second].into_iter().enumerate() {
            let stream = if task % 2 == 0 {
                shared[n].clone()
            } else {
                scope.stream()
            };
            let store = store.clone();
            let from = (task * 2 + n as u32) * 1000;
            tasks.spawn(async move {
                appender(store, stream, from).await;
            });
        }
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("a writer task");
    }
    follower.await.expect("the follower");

    let head = first.head().await.expect("head");
    assert_eq!(head, before + ROUNDS + appended, "nothing lost or doubled");
    let log = first.read_all(0, usize::MAX).await.expect("read_all");
    let positions: Vec<Position> = log.iter().map(|e| e.position).collect();
    assert_eq!(positions, (1..=head).collect::<Vec<_>>(), "gap-free");
    assert_streams_whole(&log);
    let verified = verify_log(first.as_ref(), 0, |_, _| {})
        .await
        .expect("the chain verifies");
    assert_eq!(verified.events, head);

    for store in [&first, &second] {
        let mut committed = store.subscribe();
        let reached = tokio::time::timeout(Duration::from_secs(5), async {
            committed.wait_for(|p| *p >= head).await.map(|p| *p)
        })
        .await;
        assert!(
            matches!(reached, Ok(Ok(p)) if p == head),
            "a writer did not learn of the other's commits: {reached:?}"
        );
    }
    first.close().await;
    second.close().await;
}

/// The hash the database computes for an event, through `cma_event_hash`.
async fn database_hash(
    conn: &mut sqlx::PgConnection,
    prev: &Hash,
    stream: &StreamId,
    version: Version,
    e: &NewEvent,
) -> Vec<u8> {
    sqlx::query_scalar(
        "SELECT cma_event_hash($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(prev.as_slice())
    .bind(stream.as_str())
    .bind(i64::try_from(version).expect("a version in range"))
    .bind(e.event_id)
    .bind(e.event_type.as_str())
    .bind(i32::from(e.schema_version))
    .bind(e.recorded_at.as_micros())
    .bind(e.actor.kind())
    .bind(e.actor.id())
    .bind(e.metadata.correlation_id)
    .bind(e.metadata.causation_id)
    .bind(e.metadata.ip.as_deref())
    .bind(e.metadata.user_agent.as_deref())
    .bind(e.payload.as_slice())
    .fetch_one(conn)
    .await
    .expect("cma_event_hash")
}

/// The database chains events with the hash of `cma_store::chain` (whose
/// unit test pins the layout of docs/architecture.md): events with every
/// field set, none set, empty and long texts, extreme numbers and a large
/// payload hash alike on both sides.
pub async fn the_database_hashes_events_as_the_chain_does(backend: &Postgres) {
    let store = backend.open().await;
    let mut conn = sqlx::PgConnection::connect(&backend.url())
        .await
        .expect("connect to the test database");

    let prev: Hash = std::array::from_fn(|i| i as u8);
    let empty_texts = NewEvent {
        event_type: String::new(),
        schema_version: u16::MAX,
        recorded_at: Timestamp::from_micros(-1_234_567).expect("a time before 1970"),
        metadata: Metadata {
            ip: Some(String::new()),
            user_agent: Some(String::new()),
            ..Metadata::default()
        },
        ..bare_event()
    };
    let client = NewEvent {
        actor: Actor::Client(Uuid::new_v4()),
        metadata: Metadata {
            causation_id: None,
            ip: Some("198.51.100.23".into()),
            user_agent: None,
            ..Metadata::default()
        },
        ..event(3)
    };
    let large = NewEvent {
        payload: (0..200_000u32).map(|i| (i % 251) as u8).collect(),
        ..event(7)
    };
    let cases = [
        (GENESIS, StreamId::new("quote", Uuid::new_v4()), 1, event(1)),
        (prev, StreamId::new("quote", Uuid::new_v4()), 3, client),
        (
            prev,
            StreamId::new("diary", Uuid::new_v4()),
            2,
            bare_event(),
        ),
        (
            prev,
            StreamId::from_stored("ünïcødé-strøm".into()),
            9,
            empty_texts,
        ),
        (
            GENESIS,
            StreamId::new("thread", Uuid::new_v4()),
            i64::MAX as u64,
            large,
        ),
    ];
    for (prev, stream, version, e) in &cases {
        assert_eq!(
            database_hash(&mut conn, prev, stream, *version, e).await,
            hash_event(prev, stream, *version, e),
            "{stream} version {version}"
        );
    }
    conn.close().await.expect("close");
    store.close().await;
}

/// One append of one event to `$1` per element of the arrays; each
/// expects the version given and belongs to the series given.
const SERIES_BATCH: &str = "SELECT item, outcome, version FROM cma_append( \
     array_fill($1::TEXT, ARRAY[cardinality($2::BIGINT[])]), $2, \
     array_fill(1, ARRAY[cardinality($2::BIGINT[])]), $3, $4, \
     ARRAY(SELECT gen_random_uuid() FROM generate_series(1, cardinality($2::BIGINT[]))), \
     array_fill('Noted'::TEXT, ARRAY[cardinality($2::BIGINT[])]), \
     array_fill(1, ARRAY[cardinality($2::BIGINT[])]), \
     array_fill(0::BIGINT, ARRAY[cardinality($2::BIGINT[])]), \
     array_fill('system'::TEXT, ARRAY[cardinality($2::BIGINT[])]), \
     array_fill(NULL::UUID, ARRAY[cardinality($2::BIGINT[])]), \
     ARRAY(SELECT gen_random_uuid() FROM generate_series(1, cardinality($2::BIGINT[]))), \
     array_fill(NULL::UUID, ARRAY[cardinality($2::BIGINT[])]), \
     array_fill(NULL::TEXT, ARRAY[cardinality($2::BIGINT[])]), \
     array_fill(NULL::TEXT, ARRAY[cardinality($2::BIGINT[])]), \
     array_fill('\\x00'::BYTEA, ARRAY[cardinality($2::BIGINT[])]))";

/// The server judges a batch's series in its one statement: an append
/// behind a refused one of its series is refused though the stream is at
/// the version it expects, and so is one of a series broken before the
/// batch; appends of no series, or of another, are judged by version alone.
pub async fn one_statement_judges_series(backend: &Postgres) {
    let store = backend.open().await;
    let mut conn = sqlx::PgConnection::connect(&backend.url())
        .await
        .expect("connect to the test database");
    let stream = StreamId::new("note", Uuid::new_v4());
    // 1: series 1 from nothing; 2: series 1 expecting a version the stream
    // is not at; 3: series 2 at the stream's version; 4: series 1 at the
    // version 3 left, refused behind 2; 5: no series, the same version,
    // appended; 6: series 3, broken before the batch; 7: series 2 again.
    let answers: Vec<(i32, String, Option<i64>)> = sqlx::query_as(SERIES_BATCH)
        .bind(stream.as_str())
        .bind(vec![0i64, 5, 1, 2, 2, 3, 3])
        .bind(vec![
            Some(1i32),
            Some(1),
            Some(2),
            Some(1),
            None,
            Some(3),
            Some(2),
        ])
        .bind(vec![3i32])
        .fetch_all(&mut conn)
        .await
        .expect("cma_append");
    let judged: Vec<(&str, Option<i64>)> = answers
        .iter()
        .map(|(_, outcome, version)| (outcome.as_str(), *version))
        .collect();
    assert_eq!(
        judged,
        [
            ("appended", Some(1)),
            ("conflict", Some(1)),
            ("appended", Some(2)),
            ("conflict", Some(2)),
            ("appended", Some(3)),
            ("conflict", Some(3)),
            ("appended", Some(4)),
        ]
    );
    let written = store.read_stream_after(&stream, 0).await.expect("read");
    assert_eq!(written.len(), 4, "refused appends wrote nothing");
    conn.close().await.expect("close");
    store.close().await;
}
