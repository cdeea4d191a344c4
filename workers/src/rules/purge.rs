//! Purging the API's identity tables on a schedule, so they do not grow
//! without bound: rate-limit attempts older than [`ATTEMPTS_KEPT_SECONDS`]
//! (every limit's window is shorter), sessions that have expired or been
//! revoked (neither can be used again) and Idempotency-Key answers older
//! than [`IDEMPOTENCY_KEPT_SECONDS`] (the API no longer replays them).

use crate::WorkerError;
use cma_domain::Timestamp;
use cma_projections::Records;

/// How long a counted login or link attempt is kept: longer than the
/// longest rate-limit window (15 minutes).
pub const ATTEMPTS_KEPT_SECONDS: i64 = 60 * 60;

/// How long the API keeps an Idempotency-Key's first answer (its
/// `KEPT_SECONDS`, 24 hours): a row this old is replaced by the next request
/// under its key, so nothing reads it any more.
pub const IDEMPOTENCY_KEPT_SECONDS: i64 = 24 * 60 * 60;

/// Deletes the attempts, sessions and Idempotency-Key answers no limit,
/// login or retry needs at `now`; how many rows went.
pub async fn auth_tables(db: &Records, now: Timestamp) -> Result<usize, WorkerError> {
    let attempts_before = now.plus_seconds(-ATTEMPTS_KEPT_SECONDS).as_micros();
    let keys_before = now.plus_seconds(-IDEMPOTENCY_KEPT_SECONDS).as_micros();
    let deleted = [
        ("DELETE FROM auth_attempts WHERE at <= $1", attempts_before),
        (
            "DELETE FROM sessions WHERE expires_at <= $1 OR revoked_at IS NOT NULL",
            now.as_micros(),
        ),
        (
            "DELETE FROM idempotency_keys WHERE created_at <= $1",
            keys_before,
        ),
    ];
    let mut rows = 0;
    for (sql, at) in deleted {
        rows += db.execute(sql, vec![at.into()]).await?;
    }
    Ok(usize::try_from(rows).unwrap_or(usize::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cma_projections::ReadDb;

    /// A migrated read database in `dir`.
    async fn read_db(dir: &tempfile::TempDir) -> ReadDb {
        let db = ReadDb::open_sqlite(&dir.path().join("read.db"))
            .await
            .expect("read db");
        db.migrate().await.expect("migrated");
        db
    }

    /// The instant the tests purge at.
    fn now() -> Timestamp {
        Timestamp::parse_rfc3339("2026-12-07T09:30:00Z").expect("now")
    }

    async fn count(db: &ReadDb, table: &'static str) -> i64 {
        let sql = match table {
            "sessions" => "SELECT COUNT(*) FROM sessions",
            "idempotency_keys" => "SELECT COUNT(*) FROM idempotency_keys",
            _ => "SELECT COUNT(*) FROM auth_attempts",
        };
        let (n,): (i64,) = sqlx::query_as(sql)
            .fetch_one(db.records().reads())
            .await
            .expect("count");
        n
    }

    async fn session(db: &ReadDb, id: &str, expires_at: i64, revoked_at: Option<i64>) {
        sqlx::query(
            "INSERT INTO sessions (token_sha256, session_id, principal_kind, principal_id, \
             team_id, created_at, last_seen_at, expires_at, revoked_at) \
             VALUES ($1, $1, 'staff', 'p', 't', 0, 0, $2, $3)",
        )
        .bind(id)
        .bind(expires_at)
        .bind(revoked_at)
        .execute(db.records().writes())
        .await
        .expect("session");
    }

    #[tokio::test]
    async fn old_attempts_and_dead_sessions_go_live_ones_stay() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (db, now) = (read_db(&dir).await, now());
        for (bucket, age) in [("old", ATTEMPTS_KEPT_SECONDS + 1), ("recent", 60)] {
            sqlx::query("INSERT INTO auth_attempts (bucket, at) VALUES ($1, $2)")
                .bind(bucket)
                .bind(now.plus_seconds(-age).as_micros())
                .execute(db.records().writes())
                .await
                .expect("attempt");
        }
        let later = now.plus_seconds(3600).as_micros();
        session(&db, "expired", now.plus_seconds(-1).as_micros(), None).await;
        session(&db, "revoked", later, Some(now.as_micros())).await;
        session(&db, "live", later, None).await;

        assert_eq!(auth_tables(db.records(), now).await.expect("purged"), 3);
        assert_eq!(count(&db, "auth_attempts").await, 1);
        assert_eq!(count(&db, "sessions").await, 1);
        let (left,): (String,) = sqlx::query_as("SELECT session_id FROM sessions")
            .fetch_one(db.records().reads())
            .await
            .expect("left");
        assert_eq!(left, "live");
        db.close().await;
    }

    #[tokio::test]
    async fn idempotency_keys_go_after_24_hours() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (db, now) = (read_db(&dir).await, now());
        for (key, age, status) in [
            ("expired", IDEMPOTENCY_KEPT_SECONDS + 1, Some(201_i64)),
            ("expired-running", IDEMPOTENCY_KEPT_SECONDS, None),
            ("kept", IDEMPOTENCY_KEPT_SECONDS - 60, Some(201)),
            ("running", 5, None),
        ] {
            sqlx::query(
                "INSERT INTO idempotency_keys (caller, idem_key, fingerprint, created_at, status) \
                 VALUES ('staff:p', $1, 'f', $2, $3)",
            )
            .bind(key)
            .bind(now.plus_seconds(-age).as_micros())
            .bind(status)
            .execute(db.records().writes())
            .await
            .expect("key");
        }

        assert_eq!(auth_tables(db.records(), now).await.expect("purged"), 2);
        assert_eq!(count(&db, "idempotency_keys").await, 2);
        let left: Vec<(String,)> =
            sqlx::query_as("SELECT idem_key FROM idempotency_keys ORDER BY idem_key")
                .fetch_all(db.records().reads())
                .await
                .expect("left");
        assert_eq!(left, [("kept".to_owned(),), ("running".to_owned(),)]);
        db.close().await;
    }
}
