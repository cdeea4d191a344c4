//! Property-based fuzzing of the event envelope as read back from storage:
//! any value in any column of a stored event (another type, a negative or
//! huge number, text for bytes, NULL, a hash of the wrong length, a payload
//! of random bytes) reads as the event, or as a typed error naming the
//! row — never a panic — and whatever reads decodes to a domain event or a
//! typed decode error. Real SQLite, one file for all cases.
//!
//! Few cases by default; more with `PROPTEST_CASES=100000 cargo test -p
//! cma-store --test fuzz` (docs/testing.md).

#[allow(dead_code)]
mod support;

use cma_domain::testing::fixtures;
use cma_domain::{Event, EventCodec};
use cma_store::sqlite::{SqliteStore, connect_options};
use cma_store::{Actor, EventStore, Expected, NewEvent, StoreError, StreamId};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sqlx::sqlite::SqlitePoolOptions;
use support::traced;
use uuid::Uuid;

/// A value SQLite can hold in any column (its columns take any type).
#[derive(Debug, Clone)]
enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        Just(Cell::Null),
        prop_oneof![
            any::<i64>(),
            Just(i64::MIN),
            Just(i64::MAX),
            Just(-1i64),
            Just(0i64),
            Just(i64::from(u16::MAX) + 1),
        ]
        .prop_map(Cell::Int),
        any::<f64>().prop_map(Cell::Real),
        any::<String>().prop_map(Cell::Text),
        proptest::collection::vec(any::<u8>(), 0..64).prop_map(Cell::Blob),
    ]
}

/// Every sample event of the domain, one stream each, as stored.
async fn seed(store: &SqliteStore) -> usize {
    let samples = cma_domain::event::samples();
    for sample in &samples {
        let event = NewEvent {
            event_id: Uuid::new_v4(),
            event_type: sample.event_type().to_owned(),
            schema_version: sample.schema_version(),
            recorded_at: fixtures::now(),
            actor: Actor::Staff(Uuid::new_v4()),
            metadata: traced("192.0.2.1", "Fuzz/1.0"),
            payload: sample.encode(),
        };
        store
            .append(
                &StreamId::new(sample.category(), Uuid::new_v4()),
                Expected::NoStream,
                vec![event],
            )
            .await
            .expect("seed append");
    }
    samples.len()
}

/// Reads the whole log every way a reader does, decoding what reads: each
/// step answers, with events or a typed error (a column of another type is
/// a backend error, a value out of range is corrupt), and no read panics
/// (a panicked read would come back as "read stopped: ... panicked").
async fn read_everything(store: &SqliteStore) -> Result<(), TestCaseError> {
    let no_panic = |e: StoreError| {
        let text = e.to_string();
        match text.contains("panicked") {
            true => Err(TestCaseError::fail(text)),
            false => Ok(()),
        }
    };
    let events = match store.read_all(0, 10_000).await {
        Ok(events) => events,
        Err(e) => return no_panic(e),
    };
    for event in &events {
        let _ = event.decode::<Event>();
        if let Err(e) = store.read_stream(&event.stream).await {
            no_panic(e)?;
        }
    }
    Ok(())
}

#[test]
fn any_value_in_any_stored_column_reads_or_fails_typed() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("events.db");
    let (store, count, raw, columns) = runtime.block_on(async {
        let store = SqliteStore::open(&path).await.expect("open");
        let count = seed(&store).await;
        let raw = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(connect_options(&path))
            .await
            .expect("raw connection");
        sqlx::query("CREATE TABLE pristine AS SELECT * FROM events")
            .execute(&raw)
            .await
            .expect("keep the seed");
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info('events') ORDER BY cid")
                .fetch_all(&raw)
                .await
                .expect("the event columns");
        (store, count, raw, columns)
    });
    let strategy = (1..=count as i64, 0..columns.len(), cell());
    let mut runner = TestRunner::new(Config::default());
    let outcome = runner.run(&strategy, |(position, column, value)| {
        runtime.block_on(async {
            let sql = format!(
                "UPDATE events SET {} = $1 WHERE position = $2",
                columns[column]
            );
            let query = sqlx::query(sqlx::AssertSqlSafe(sql));
            let query = match value {
                Cell::Null => query.bind(None::<i64>),
                Cell::Int(n) => query.bind(n),
                Cell::Real(x) => query.bind(x),
                Cell::Text(t) => query.bind(t),
                Cell::Blob(b) => query.bind(b),
            };
            // A unique column may refuse the value: then nothing changed.
            let _ = query.bind(position).execute(&raw).await;
            let read = read_everything(&store).await;
            for sql in [
                "DELETE FROM events",
                "INSERT INTO events SELECT * FROM pristine",
            ] {
                sqlx::query(sql)
                    .execute(&raw)
                    .await
                    .expect("restore the seed");
            }
            read
        })
    });
    runtime.block_on(async {
        raw.close().await;
        store.close().await;
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
}
