//! The API's own records: sessions, the login index, rate-limit attempts
//! and Idempotency-Key answers (docs/projections.md, "Where the read models
//! live"). They are not read models: the API writes them on a request's
//! path, no projector does, and a rebuild leaves them alone.
//!
//! On the embedded default they live in a database file of their own,
//! `api.db` beside `read.db`, so that their writes never wait for the
//! projectors' write lock (SQLite has one per file). Single statements
//! ([`Records::execute`]: a session opened or revoked, an Idempotency-Key
//! claimed or answered) are written many to a transaction by one thread
//! ([`batched`]); the few writes outside the batches (a login's rate limit,
//! which counts before it decides, and the login index) use one sqlx
//! connection ([`Records::writes`], [`Records::begin`]). On PostgreSQL they
//! are tables of the read database, written through its pool, and
//! [`Records::listen`] opens connections that listen for notices (the ends
//! of sessions).

mod batched;

use crate::db::{Backend, SQLITE_QUERY_CONNECTIONS, sqlite_options, sqlite_pool};
use crate::error::ProjectionError;
use crate::tx::{Value, bind_values};
use batched::Batched;
use sqlx::AnyPool;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use std::borrow::Cow;
use std::path::Path;

/// The records' file on the embedded default, beside the read database.
pub const RECORDS_FILE: &str = "api.db";

/// Versions of the read-side migrations that make the API's identity
/// tables (`migrations/sqlite/read/2000_sessions.sql` to `2999`).
const IDENTITY: std::ops::Range<i64> = 2000..3000;

/// The identity tables' migrations of the read database, applied to the
/// records' file and tracked there in `_cma_migrations_api`.
fn migrator() -> Migrator {
    let read = &crate::db::SQLITE;
    Migrator {
        migrations: read
            .migrations
            .iter()
            .filter(|m| IDENTITY.contains(&m.version))
            .cloned()
            .collect(),
        table_name: Cow::Borrowed("_cma_migrations_api"),
        ignore_missing: read.ignore_missing,
        locking: read.locking,
        no_tx: read.no_tx,
        create_schemas: read.create_schemas.clone(),
    }
}

/// The tables, with their columns, that earlier versions kept in
/// `read.db`; [`Records::migrate`] moves them here.
const MOVED: [(&str, &str); 4] = [
    (
        "sessions",
        "token_sha256, session_id, principal_kind, principal_id, team_id, created_at, \
         last_seen_at, expires_at, revoked_at, login_email",
    ),
    (
        "logins",
        "principal_kind, email, principal_id, team_id, claimed_at",
    ),
    ("auth_attempts", "bucket, at"),
    (
        "idempotency_keys",
        "caller, idem_key, fingerprint, created_at, status, content_type, body",
    ),
];

/// A handle on the API's records, cheap to clone.
#[derive(Clone, Debug)]
pub struct Records {
    /// Look-ups (a session on every request).
    reads: AnyPool,
    /// Statements and transactions outside the batches: one connection on
    /// SQLite.
    writes: AnyPool,
    /// Single statements, many to a transaction: on SQLite only, so it
    /// also tells the backend.
    batched: Option<Batched>,
    /// On PostgreSQL, where listening connections connect to
    /// ([`Records::listen`]).
    listening: Option<PgConnectOptions>,
}

impl Records {
    /// Opens (creating if needed) the SQLite records file at `path`.
    pub(crate) async fn open_sqlite(path: &Path) -> Result<Self, ProjectionError> {
        let options = sqlite_options(path)?;
        Ok(Self {
            writes: sqlite_pool(&options, 1).await?,
            reads: sqlite_pool(&options, SQLITE_QUERY_CONNECTIONS).await?,
            batched: Some(Batched::start(path.to_owned())?),
            listening: None,
        })
    }

    /// The records in the PostgreSQL read database `pool` reaches, at
    /// `listening`.
    pub(crate) fn postgres(pool: AnyPool, listening: PgConnectOptions) -> Self {
        Self {
            reads: pool.clone(),
            writes: pool,
            batched: None,
            listening: Some(listening),
        }
    }

    pub fn backend(&self) -> Backend {
        match self.batched {
            Some(_) => Backend::Sqlite,
            None => Backend::Postgres,
        }
    }

    /// The pool look-ups read from.
    pub fn reads(&self) -> &AnyPool {
        &self.reads
    }

    /// The pool for statements that change records one at a time, outside
    /// [`Records::execute`]'s batches.
    pub fn writes(&self) -> &AnyPool {
        &self.writes
    }

    /// Begins a transaction that reads before it writes. On SQLite it takes
    /// the write lock at once (`BEGIN IMMEDIATE`), so that a transaction
    /// which has read never has to upgrade to writing: an upgrade refused
    /// because another connection wrote in between would fail at once
    /// instead of waiting its turn.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend() {
            Backend::Sqlite => self.writes.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.writes.begin().await,
        }
    }

    /// Runs one statement that changes records (`$N` parameters); the
    /// number of rows it changed, once committed.
    pub async fn execute(
        &self,
        sql: &'static str,
        params: Vec<Value>,
    ) -> Result<u64, ProjectionError> {
        if let Some(batched) = &self.batched {
            return batched.execute(sql, params).await;
        }
        Ok(bind_values(sqlx::query(sql), params)
            .execute(&self.writes)
            .await?
            .rows_affected())
    }

    /// [`Records::execute`] without waiting for the commit: returns once
    /// the statement is sure to run before any statement given after it
    /// (on SQLite, queued for the writing thread; on PostgreSQL, which has
    /// no queue, once committed). A failure to write it is logged.
    pub async fn execute_soon(
        &self,
        sql: &'static str,
        params: Vec<Value>,
    ) -> Result<(), ProjectionError> {
        let Some(batched) = &self.batched else {
            return self.execute(sql, params).await.map(drop);
        };
        // Nobody waits for the outcome: the writing thread logs a failure.
        drop(batched.queue(Some((sql, params)))?);
        Ok(())
    }

    /// On PostgreSQL, a new connection listening on `channel`: the notices
    /// sent on it arrive as the transactions that sent them commit. It is
    /// never connected again behind the caller's back: once it reports its
    /// connection lost, it hears nothing more. `None` on SQLite, where one
    /// process writes every record.
    pub async fn listen(&self, channel: &str) -> Result<Option<PgListener>, sqlx::Error> {
        let Some(options) = &self.listening else {
            return Ok(None);
        };
        // A pool of its own: a connection lost without a word may take
        // minutes to give back, and must not hold up the next one.
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect_lazy_with(options.clone());
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.eager_reconnect(false);
        listener.listen(channel).await?;
        Ok(Some(listener))
    }

    /// On SQLite, applies the records' migrations ([`migrator`]) and moves in the rows an earlier version kept
    /// in the read database at `read_db`, dropping its tables there. Safe
    /// to repeat: rows already here are kept, and a table is dropped only
    /// once its rows are copied. On PostgreSQL the read migrations made
    /// the tables.
    pub(crate) async fn migrate(&self, read_db: &Path) -> Result<(), ProjectionError> {
        if self.backend() == Backend::Postgres {
            return Ok(());
        }
        migrator().run(&self.writes).await?;
        let mut conn = self.writes.acquire().await?;
        sqlx::query("ATTACH DATABASE $1 AS earlier")
            .bind(read_db.display().to_string())
            .execute(&mut *conn)
            .await?;
        let moved = move_earlier_tables(&mut conn).await;
        let detached = sqlx::query("DETACH DATABASE earlier")
            .execute(&mut *conn)
            .await;
        moved?;
        detached?;
        Ok(())
    }

    /// Waits for the statements given to [`Records::execute_soon`] to be
    /// written, then closes the pools (on PostgreSQL, the read database's
    /// own).
    pub(crate) async fn close(&self) {
        if let Some(batched) = &self.batched
            && let Err(e) = batched.flush().await
        {
            tracing::warn!(error = %e, "records queued before closing may not be written");
        }
        self.reads.close().await;
        self.writes.close().await;
    }
}

/// Copies each of [`MOVED`] still in `earlier` into the records file and
/// drops it there.
async fn move_earlier_tables(conn: &mut sqlx::AnyConnection) -> Result<(), ProjectionError> {
    for (table, columns) in MOVED {
        let (present,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM earlier.sqlite_master WHERE type = 'table' AND name = $1",
        )
        .bind(table)
        .fetch_one(&mut *conn)
        .await?;
        if present == 0 {
            continue;
        }
        let copy = format!(
            "INSERT OR IGNORE INTO main.{table} ({columns}) SELECT {columns} FROM earlier.{table}"
        );
        sqlx::query(sqlx::AssertSqlSafe(copy))
            .execute(&mut *conn)
            .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP TABLE earlier.{table}")))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::ReadDb;
    use sqlx::Executor;

    /// The identity tables as an earlier version made them in `read.db`.
    const EARLIER: [&str; 3] = [
        include_str!("../../../migrations/sqlite/read/2000_sessions.sql"),
        include_str!("../../../migrations/sqlite/read/2003_login_claims.sql"),
        include_str!("../../../migrations/sqlite/read/2004_session_login_email.sql"),
    ];

    async fn tables(pool: &sqlx::AnyPool) -> Vec<String> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name IN ('sessions', 'logins', 'auth_attempts', 'idempotency_keys') \
             ORDER BY name",
        )
        .fetch_all(pool)
        .await
        .expect("tables");
        rows.into_iter().map(|(name,)| name).collect()
    }

    #[tokio::test]
    async fn records_kept_in_the_read_database_move_to_their_own_file_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = ReadDb::open_sqlite(&dir.path().join("read.db"))
            .await
            .expect("read database");
        db.migrate().await.expect("migrated");
        let records = db.records();
        assert!(tables(db.pool()).await.is_empty(), "left in read.db");
        assert_eq!(tables(records.reads()).await.len(), 4);

        // An earlier version's rows in read.db, and one login already here.
        for sql in EARLIER {
            db.pool().execute(sql).await.expect("earlier tables");
        }
        db.pool()
            .execute(
                "CREATE TABLE idempotency_keys (caller TEXT NOT NULL, idem_key TEXT NOT NULL, \
                 fingerprint TEXT NOT NULL, created_at INTEGER NOT NULL, status INTEGER, \
                 content_type TEXT, body TEXT, PRIMARY KEY (caller, idem_key)); \
                 INSERT INTO sessions VALUES ('t', 's', 'client', 'c', 'team', 1, 2, 3, NULL, \
                 'ann@example.test'); \
                 INSERT INTO logins VALUES ('client', 'ann@example.test', 'c', 'team', NULL); \
                 INSERT INTO logins VALUES ('staff', 'bob@example.test', 'b', 'team', 7); \
                 INSERT INTO auth_attempts VALUES ('login:ip:192.0.2.1', 5); \
                 INSERT INTO idempotency_keys VALUES ('client:c', 'k', 'f', 9, 201, \
                 'application/json', '{}');",
            )
            .await
            .expect("earlier rows");
        records
            .writes()
            .execute("INSERT INTO logins VALUES ('client', 'ann@example.test', 'c', 'team', NULL)")
            .await
            .expect("a login already moved");

        db.migrate().await.expect("moved");
        assert!(tables(db.pool()).await.is_empty(), "left in read.db");
        let count = async |sql: &'static str| -> i64 {
            let (n,): (i64,) = sqlx::query_as(sql)
                .fetch_one(records.reads())
                .await
                .expect("count");
            n
        };
        assert_eq!(
            count("SELECT COUNT(*) FROM sessions WHERE login_email = 'ann@example.test'").await,
            1
        );
        assert_eq!(count("SELECT COUNT(*) FROM logins").await, 2);
        assert_eq!(
            count("SELECT claimed_at FROM logins WHERE email = 'bob@example.test'").await,
            7
        );
        assert_eq!(count("SELECT COUNT(*) FROM auth_attempts").await, 1);
        assert_eq!(count("SELECT status FROM idempotency_keys").await, 201);

        // Again: nothing left to move, nothing changes.
        db.migrate().await.expect("again");
        assert_eq!(count("SELECT COUNT(*) FROM logins").await, 2);
        db.close().await;
    }
}
