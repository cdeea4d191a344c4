//! On PostgreSQL the read side commits without waiting for the WAL's flush,
//! as SQLite's read side does with `synchronous = NORMAL`
//! (docs/projections.md, "Durability of the read side"); the server's
//! default, which the event log's connections keep, waits for it.

use crate::support;
use cma_projections::tx::{Kind, Value};
use sqlx::Connection;

const SETTING: &str = "SHOW synchronous_commit";

#[tokio::test]
async fn postgres_read_side_commits_do_not_wait_for_the_flush() {
    let setup = support::postgres().await;

    let (queries,): (String,) = sqlx::query_as(SETTING)
        .fetch_one(setup.db.pool())
        .await
        .expect("the query pool's setting");
    assert_eq!(queries, "off", "queries and the API's records");

    let mut tx = setup.db.begin().await.expect("a projector transaction");
    let rows = tx
        .query(SETTING, Vec::new(), &[Kind::Text])
        .await
        .expect("the projectors' setting");
    tx.commit().await.expect("committed");
    assert_eq!(
        rows,
        vec![vec![Value::Text(Some("off".to_owned()))]],
        "projector transactions"
    );

    let mut plain = sqlx::PgConnection::connect(&setup.database.url)
        .await
        .expect("a connection as the event log opens its own");
    let (log,): (String,) = sqlx::query_as(SETTING)
        .fetch_one(&mut plain)
        .await
        .expect("the server's default");
    assert_eq!(log, "on", "the event log's connections wait for the flush");
    plain.close().await.expect("closed");
    setup.db.close().await;
}
