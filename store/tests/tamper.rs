//! Altering the stored log directly is caught by `verify_log`, on SQLite and
//! on PostgreSQL: a changed byte, a changed field, a deleted, inserted or
//! reordered event, and a deleted stream tail; and a row that cannot be
//! read as an event is a finding at its place, not a failure to verify.

use cma_domain::testing::fixtures;
use cma_store::chain::Finding;
use cma_store::postgres::PgStore;
use cma_store::sqlite::{SqliteStore, connect_options};
use cma_store::verify::{STRETCH, VerifyError, verify_in_stretches};
use cma_store::{Actor, EventStore, Expected, Metadata, NewEvent, StreamId};
use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;

const SERVER: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The log every case starts from: three streams of four events,
/// interleaved, at positions 1..=12 (stream a: 1, 4, 7, 10; b: 2, 5, 8, 11; c: 3, 6, 9, 12).
async fn seed(store: &dyn EventStore) {
    let streams: Vec<StreamId> = ["a", "b", "c"]
        .iter()
        .map(|_| StreamId::new("case", Uuid::new_v4()))
        .collect();
    for version in 0..4u64 {
        for (i, stream) in streams.iter().enumerate() {
            let event = NewEvent {
                event_id: Uuid::new_v4(),
                event_type: "CaseEvent".to_owned(),
                schema_version: 1,
                recorded_at: fixtures::after(
                    i64::try_from(version).expect("a version small enough for an instant"),
                ),
                actor: Actor::Client(Uuid::new_v4()),
                metadata: Metadata {
                    correlation_id: Uuid::new_v4(),
                    causation_id: None,
                    ip: Some(format!("192.0.2.{i}")),
                    user_agent: Some("Case/1.0".to_owned()),
                },
                payload: format!("payload {i} {version}").into_bytes(),
            };
            let expected = if version == 0 {
                Expected::NoStream
            } else {
                Expected::Exactly(version)
            };
            store
                .append(stream, expected, vec![event])
                .await
                .expect("seed append");
        }
    }
}

/// One way of altering the stored log, and where verification must stop.
struct Case {
    name: &'static str,
    sql: &'static [&'static str],
    broken_at: u64,
    found: Found,
}

/// What the finding must say.
#[derive(Clone, Copy, Debug)]
enum Found {
    /// A hash that does not match.
    Mismatch,
    /// The positions `from..=to` hold nothing.
    Missing(u64, u64),
    /// The row cannot be read; the message names the column, and the
    /// stream's version when it is readable.
    Unreadable {
        column: &'static str,
        version: Option<u64>,
    },
}

const CASES: &[Case] = &[
    Case {
        name: "a payload byte changed",
        sql: &["UPDATE events SET payload = $1 WHERE position = 5"],
        broken_at: 5,
        found: Found::Mismatch,
    },
    Case {
        name: "the recorded IP changed",
        sql: &["UPDATE events SET ip = '203.0.113.9' WHERE position = 7"],
        broken_at: 7,
        found: Found::Mismatch,
    },
    Case {
        name: "an event deleted from the middle of a stream",
        sql: &["DELETE FROM events WHERE position = 4"],
        broken_at: 5,
        found: Found::Missing(4, 4),
    },
    Case {
        name: "the last event of a stream deleted",
        sql: &["DELETE FROM events WHERE position = 10"],
        broken_at: 11,
        found: Found::Missing(10, 10),
    },
    Case {
        name: "two events of a stream swapped",
        sql: &[
            "UPDATE events SET stream_version = 100 WHERE position = 2",
            "UPDATE events SET stream_version = 1 WHERE position = 5",
            "UPDATE events SET stream_version = 2 WHERE position = 2",
        ],
        broken_at: 2,
        found: Found::Mismatch,
    },
    Case {
        name: "a forged event inserted",
        sql: &[
            "INSERT INTO events (position, stream_id, stream_version, event_id, event_type, \
                schema_version, recorded_at, actor_kind, actor_id, correlation_id, causation_id, \
                ip, user_agent, payload, prev_hash, hash) \
                SELECT 13, stream_id, stream_version + 1, correlation_id, event_type, schema_version, \
                recorded_at, actor_kind, actor_id, correlation_id, causation_id, ip, user_agent, \
                payload, hash, prev_hash FROM events WHERE position = 10",
        ],
        broken_at: 13,
        found: Found::Mismatch,
    },
    Case {
        name: "a recorded hash cut short",
        sql: &["UPDATE events SET hash = substr(hash, 1, 4) WHERE position = 6"],
        broken_at: 6,
        found: Found::Unreadable {
            column: "hash",
            version: Some(2),
        },
    },
    Case {
        name: "two neighbouring events deleted",
        sql: &["DELETE FROM events WHERE position IN (5, 6)"],
        broken_at: 7,
        found: Found::Missing(5, 6),
    },
];

/// Alterations only SQLite's loose column types allow.
const SQLITE_CASES: &[Case] = &[
    Case {
        name: "a payload rewritten as TEXT instead of BLOB",
        sql: &["UPDATE events SET payload = CAST(payload AS TEXT) WHERE position = 6"],
        broken_at: 6,
        found: Found::Unreadable {
            column: "payload",
            version: Some(2),
        },
    },
    Case {
        name: "a stream version rewritten as text",
        sql: &["UPDATE events SET stream_version = 'two' WHERE position = 8"],
        broken_at: 8,
        found: Found::Unreadable {
            column: "stream_version",
            version: None,
        },
    },
];

/// Stretch sizes that put the stretch boundaries everywhere in the seed.
const SIZES: &[usize] = &[1, 2, 3, 5, STRETCH];

/// Verification of the altered log stops at the case's position, however
/// the log is cut into stretches.
async fn assert_caught(case: &Case, store: &dyn EventStore) {
    for &size in SIZES {
        match verify_in_stretches(store, 0, size, |_, _| {}).await {
            Err(VerifyError::Broken(link)) => {
                assert_eq!(
                    link.position, case.broken_at,
                    "{} (stretches of {size}): caught at the wrong place: {link}",
                    case.name
                );
                assert_finding(case, &link);
            }
            Err(other) => panic!("{}: verification failed to run: {other}", case.name),
            Ok(v) => panic!(
                "{} (stretches of {size}): not caught ({} events verified)",
                case.name, v.events
            ),
        }
    }
}

/// The finding says what the case did, and its message locates it.
fn assert_finding(case: &Case, link: &cma_store::chain::BrokenLink) {
    let message = link.to_string();
    assert!(
        message.contains(&format!("(position {})", case.broken_at)),
        "{}: {message}",
        case.name
    );
    match (case.found, &*link.finding) {
        (Found::Mismatch, Finding::Mismatch { .. }) => {}
        (Found::Missing(from, to), Finding::Missing { from: f, to: t }) => {
            assert_eq!((*f, *t), (from, to), "{}: {message}", case.name);
            let missing = if from == to {
                format!("no event at position {from}")
            } else {
                format!("no events at positions {from} to {to}")
            };
            assert!(message.ends_with(&missing), "{}: {message}", case.name);
            assert!(!message.contains("expected"), "{}: {message}", case.name);
        }
        (Found::Unreadable { column, version }, Finding::Unreadable { .. }) => {
            assert!(link.stream.is_some(), "{}: {message}", case.name);
            assert_eq!(link.version, version, "{}: {message}", case.name);
            assert!(
                message.contains(&format!("column {column}:")),
                "{}: {message}",
                case.name
            );
            assert!(
                message.starts_with("row cannot be read as an event at stream case-"),
                "{}: {message}",
                case.name
            );
        }
        (want, _) => panic!("{}: wanted {want:?}, found {message}", case.name),
    }
}

/// A clean log verifies whole, and from a later position, in stretches of every size.
async fn assert_clean(store: &dyn EventStore) {
    for &size in SIZES {
        let whole = verify_in_stretches(store, 0, size, |_, _| {})
            .await
            .expect("a clean log verifies");
        assert_eq!(
            (whole.events, whole.streams, whole.last_position),
            (12, 3, 12)
        );
        let tail = verify_in_stretches(store, 5, size, |_, _| {})
            .await
            .expect("a clean log verifies from a later position");
        assert_eq!((tail.events, tail.streams, tail.last_position), (7, 3, 12));
    }
}

#[tokio::test]
async fn every_alteration_of_the_sqlite_log_is_caught() {
    for case in CASES.iter().chain(SQLITE_CASES) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("events.db");
        let store = SqliteStore::open(&path).await.expect("open");
        seed(&store).await;
        assert_clean(&store).await;
        store.close().await;
        let mut conn = sqlx::SqliteConnection::connect_with(&connect_options(&path))
            .await
            .expect("raw");
        alter_sqlite(&mut conn, case).await;
        conn.close().await.expect("close raw");
        let reopened = SqliteStore::open(&path).await.expect("reopen");
        assert_caught(case, &reopened).await;
        reopened.close().await;
    }
}

#[tokio::test]
async fn every_alteration_of_the_postgres_log_is_caught() {
    for case in CASES {
        let name = format!("cma_t_{}", Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(SERVER)
            .await
            .expect("PostgreSQL must be reachable");
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .expect("create");
        let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
        let store = PgStore::connect(&url).await.expect("connect");
        seed(&store).await;
        assert_clean(&store).await;
        store.close().await;
        let mut conn = PgConnection::connect(&url).await.expect("raw");
        alter_postgres(&mut conn, case).await;
        conn.close().await.expect("close raw");
        let reopened = PgStore::connect(&url).await.expect("reopen");
        assert_caught(case, &reopened).await;
        reopened.close().await;
        admin
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE {name} WITH (FORCE)"
            )))
            .await
            .expect("drop");
    }
}

macro_rules! alter {
    ($conn:expr, $case:expr) => {{
        for sql in $case.sql {
            let q = sqlx::query(*sql);
            let q = if sql.contains("$1") {
                q.bind(b"tampered".to_vec())
            } else {
                q
            };
            q.execute(&mut *$conn).await.expect($case.name);
        }
    }};
}

async fn alter_sqlite(conn: &mut sqlx::SqliteConnection, case: &Case) {
    alter!(conn, case);
}

async fn alter_postgres(conn: &mut PgConnection, case: &Case) {
    alter!(conn, case);
}
