//! The API's own records (`Records`): statements written many to a
//! transaction on SQLite and through the pool on PostgreSQL keep each
//! statement's own outcome under concurrency.

use crate::support;
use cma_projections::Records;

const CLAIM: &str = "INSERT INTO idempotency_keys (caller, idem_key, fingerprint, created_at) \
                     VALUES ($1, $2, 'f', $3) ON CONFLICT (caller, idem_key) DO NOTHING";

/// 64 requests claim 16 keys (4 each) at once: exactly one claim per key
/// wins, every other is told it changed nothing, and every key is kept.
async fn one_claim_per_key_wins(records: &Records) {
    let claims = (0..64_i64).map(|n| {
        records.execute(
            CLAIM,
            vec![
                "client:c".into(),
                format!("key-{}", n % 16).into(),
                n.into(),
            ],
        )
    });
    let changed = futures::future::try_join_all(claims)
        .await
        .expect("claims written");
    let mut won = [0_u64; 16];
    for (n, changed) in changed.into_iter().enumerate() {
        won[n % 16] += changed;
    }
    assert_eq!(won, [1; 16]);
    let (kept,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM idempotency_keys")
        .fetch_one(records.reads())
        .await
        .expect("count");
    assert_eq!(kept, 16);
}

/// A statement that fails (a second session with the same id) fails alone:
/// the statements written beside it are kept.
async fn a_failing_statement_leaves_the_others_be(records: &Records) {
    let open = |token: &str| {
        records.execute(
            "INSERT INTO sessions (token_sha256, session_id, principal_kind, principal_id, \
             team_id, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, 'client', 'c', 't', 1, 1, 2)",
            vec![token.into(), format!("session-of-{}", &token[..1]).into()],
        )
    };
    let outcomes =
        futures::future::join_all([open("a1"), open("b1"), open("a2"), open("c1")]).await;
    let failed = outcomes.iter().filter(|o| o.is_err()).count();
    assert_eq!(failed, 1, "{outcomes:?}");
    let (kept,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions")
        .fetch_one(records.reads())
        .await
        .expect("count");
    assert_eq!(kept, 3);
}

/// Statements given to `execute_soon` run before any given after them,
/// whether or not their commit was waited for: a later claim of each key
/// finds it taken.
async fn given_soon_runs_before_what_follows(records: &Records) {
    let claim = |n: i64| vec!["client:s".into(), format!("soon-{n}").into(), n.into()];
    for n in 0..100 {
        records.execute_soon(CLAIM, claim(n)).await.expect("queued");
        let again = records.execute(CLAIM, claim(n)).await.expect("claim again");
        assert_eq!(again, 0, "key {n} was already claimed");
    }
    for n in 100..200 {
        records.execute_soon(CLAIM, claim(n)).await.expect("queued");
    }
}

async fn soon_claims(records: &Records) -> i64 {
    let (kept,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM idempotency_keys WHERE caller = 'client:s'")
            .fetch_one(records.reads())
            .await
            .expect("count");
    kept
}

#[tokio::test]
async fn sqlite_records_keep_each_statements_outcome() {
    let setup = support::sqlite().await;
    let records = setup.db.records();
    assert!(
        setup.dir.path().join("api.db").is_file(),
        "the records have a file of their own"
    );
    one_claim_per_key_wins(records).await;
    a_failing_statement_leaves_the_others_be(records).await;
    given_soon_runs_before_what_follows(records).await;
    // Closing writes what was given soon before it.
    setup.db.close().await;
    let reopened = cma_projections::ReadDb::open_sqlite(&setup.dir.path().join("read.db"))
        .await
        .expect("reopen");
    assert_eq!(soon_claims(reopened.records()).await, 200);
    reopened.close().await;
}

#[tokio::test]
async fn postgres_records_keep_each_statements_outcome() {
    let setup = support::postgres().await;
    let records = setup.db.records();
    one_claim_per_key_wins(records).await;
    a_failing_statement_leaves_the_others_be(records).await;
    given_soon_runs_before_what_follows(records).await;
    assert_eq!(soon_claims(records).await, 200);
    setup.db.close().await;
}
