//! Server-side sessions (docs/product.md §11.1): a row per login among the
//! API's records, found by the SHA-256 of its token, so any API process can
//! serve any request. The sessions found are also kept in memory
//! (`kept_sessions`): on the embedded default one process writes them all;
//! on PostgreSQL each process hears the ends the others write
//! (`session_ends`).

use super::kept_sessions::{Kept, KeptSessions};
use super::login_index::normalise;
use super::principal::Principal;
use super::session_ends::{self, Hearing};
use super::tokens::{new_session_token, session_key};
use cma_domain::Timestamp;
use cma_domain::ids::{ClientId, SessionId};
use cma_projections::tx::Value;
use cma_projections::{ProjectionError, Records};
use sqlx::AnyPool;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// A session lasts this long after its last use.
pub const IDLE_LIFETIME_SECONDS: i64 = 14 * 24 * 60 * 60;
/// `last_seen_at` is written at most this often per session.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// A live session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub principal: Principal,
}

/// The sessions of this process: opened, found, extended and ended. Cheap
/// to clone.
#[derive(Clone)]
pub struct Sessions {
    records: Records,
    touches: Touches,
    /// The sessions found (module `kept_sessions`).
    kept: Arc<KeptSessions>,
    /// On PostgreSQL, the task that forgets the sessions other processes
    /// end; it stops with the last handle.
    _hearing: Option<Arc<Hearing>>,
}

impl Sessions {
    /// The sessions among `records`; starts the task that extends their
    /// lives and, for a process `serving` requests on PostgreSQL, listens
    /// for ends before it returns. A process that serves none keeps none.
    pub async fn start(records: Records, serving: bool) -> Result<Self, sqlx::Error> {
        let kept = Arc::<KeptSessions>::default();
        let hearing = if serving {
            session_ends::hear(&records, kept.clone()).await?
        } else {
            kept.never_again();
            None
        };
        Ok(Self {
            touches: Touches::start(records.clone(), kept.clone()),
            records,
            kept,
            _hearing: hearing.map(Arc::new),
        })
    }

    /// Opens a session for `principal`, signed in with `login_email`;
    /// returns it with its token (shown once).
    pub async fn open(
        &self,
        principal: Principal,
        login_email: &str,
        now: Timestamp,
    ) -> Result<(Session, String), ProjectionError> {
        let token = new_session_token();
        let key = session_key(&token);
        let session = Session {
            id: SessionId::new(),
            principal,
        };
        let expires_at = now.plus_seconds(IDLE_LIFETIME_SECONDS);
        let seen = self.kept.seen();
        self.records
            .execute(
                "INSERT INTO sessions (token_sha256, session_id, principal_kind, principal_id, \
                 team_id, created_at, last_seen_at, expires_at, revoked_at, login_email) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6, $7, NULL, $8)",
                vec![
                    key.clone().into(),
                    session.id.to_string().into(),
                    principal.kind().as_str().into(),
                    principal.id().to_string().into(),
                    principal.team().to_string().into(),
                    now.as_micros().into(),
                    expires_at.as_micros().into(),
                    normalise(login_email).into(),
                ],
            )
            .await?;
        let opened = Kept {
            session,
            last_seen: now,
            expires_at,
        };
        self.kept.keep(&key, opened, seen);
        Ok((session, token))
    }

    /// The live session `token` opens, if any (not revoked, not expired);
    /// using it extends its life (in the background, at most once a
    /// minute).
    pub async fn find(&self, token: &str, now: Timestamp) -> Result<Option<Session>, sqlx::Error> {
        let key = session_key(token);
        let seen = match self.kept.find(&key, now, |k| self.touched(&key, k, now)) {
            Ok(session) => return Ok(Some(session)),
            Err(seen) => seen,
        };
        let row: Option<(String, String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT session_id, principal_kind, principal_id, team_id, last_seen_at, expires_at \
             FROM sessions WHERE token_sha256 = $1 AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(&key)
        .bind(now.as_micros())
        .fetch_optional(self.records.reads())
        .await?;
        let Some((id, kind, principal, team, last_seen, expires_at)) = row else {
            return Ok(None);
        };
        let (Ok(id), Some(principal), Some(last_seen), Some(expires_at)) = (
            Uuid::try_parse(&id),
            Principal::from_columns(&kind, &principal, &team),
            Timestamp::from_micros(last_seen),
            Timestamp::from_micros(expires_at),
        ) else {
            return Ok(None);
        };
        let session = Session {
            id: SessionId(id),
            principal,
        };
        let found = Kept {
            session,
            last_seen,
            expires_at,
        };
        let found = self.touched(&key, found, now);
        self.kept.keep(&key, found, seen);
        Ok(Some(session))
    }

    /// `found`, used at `now`: extended from then when its last use is over
    /// a minute old and the extension could be queued.
    fn touched(&self, key: &str, found: Kept, now: Timestamp) -> Kept {
        let due = now.as_micros() - found.last_seen.as_micros() > TOUCH_EVERY_SECONDS * 1_000_000;
        if due && self.touches.request(key.to_owned(), now) {
            found.used(now)
        } else {
            found
        }
    }

    /// Ends the session `token` opens (logout).
    pub async fn revoke(&self, token: &str, now: Timestamp) -> Result<(), ProjectionError> {
        let key = session_key(token);
        let sql =
            "UPDATE sessions SET revoked_at = $2 WHERE token_sha256 = $1 AND revoked_at IS NULL";
        let params = vec![key.clone().into(), now.as_micros().into()];
        self.end(sql, params, move |kept| kept.forget(&key)).await
    }

    /// Ends every session of a client (their portal was suspended, or a
    /// password was set from a link).
    pub async fn revoke_client(
        &self,
        client: ClientId,
        now: Timestamp,
    ) -> Result<(), ProjectionError> {
        let sql = "UPDATE sessions SET revoked_at = $2 \
                   WHERE principal_kind = 'client' AND principal_id = $1 AND revoked_at IS NULL";
        let params = vec![client.to_string().into(), now.as_micros().into()];
        self.end(sql, params, move |kept| kept.client_ended(client))
            .await
    }

    /// Ends sessions with `sql`, then lets `forget` forget them in memory,
    /// whether the write succeeded or not. In a task of its own: the
    /// records' writer commits whether or not its caller still waits (a
    /// request dropped by its client), and an ended session must never
    /// stay kept.
    async fn end(
        &self,
        sql: &'static str,
        params: Vec<Value>,
        forget: impl FnOnce(&KeptSessions) + Send + 'static,
    ) -> Result<(), ProjectionError> {
        let (records, kept) = (self.records.clone(), self.kept.clone());
        tokio::spawn(async move {
            let written = records.execute(sql, params).await;
            forget(&kept);
            written.map(drop)
        })
        .await
        .map_err(ProjectionError::Writer)?
    }
}

/// The login email session `id` was opened with (`None` for a session
/// opened before sessions kept it).
pub async fn login_email(db: &AnyPool, id: SessionId) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT login_email FROM sessions WHERE session_id = $1")
            .bind(id.to_string())
            .fetch_optional(db)
            .await?;
    Ok(row.and_then(|(email,)| email))
}

/// Sessions waiting to have their life extended, at most this many; a
/// use beyond it asks again on its session's next use.
const TOUCHES_QUEUED: usize = 4096;

/// Extends the lives of used sessions in the background (many to a
/// transaction: docs/projections.md, "Where the read models live"). A
/// request never waits for it: sessions
/// opened together come due together (each is touched once a minute), and
/// each request waiting for a writer's turn of its own held every client up
/// for a few hundred milliseconds under load.
#[derive(Clone, Debug)]
struct Touches(tokio::sync::mpsc::Sender<(String, Timestamp)>);

impl Touches {
    /// Starts the task that writes touches to `db`; it ends with the last
    /// handle. A kept session whose extension was not written (the write
    /// failed, or its row was ended or purged meanwhile) is forgotten, so
    /// memory never outlives the records.
    fn start(db: Records, kept: Arc<KeptSessions>) -> Self {
        let (send, mut due) = tokio::sync::mpsc::channel(TOUCHES_QUEUED);
        tokio::spawn(async move {
            let mut batch = Vec::new();
            while due.recv_many(&mut batch, TOUCHES_QUEUED).await > 0 {
                let latest: HashMap<String, Timestamp> = batch.drain(..).collect();
                for key in touch(&db, latest).await {
                    kept.forget(&key);
                }
            }
        });
        Self(send)
    }

    /// Asks for the session whose token has the digest `key` to live on
    /// from `now`; whether it was queued.
    fn request(&self, key: String, now: Timestamp) -> bool {
        self.0.try_send((key, now)).is_ok()
    }
}

/// Extends the life of each session (by token digest) from its time of
/// use; the digests of those it did not extend.
async fn touch(db: &Records, used: HashMap<String, Timestamp>) -> Vec<String> {
    let touched = futures::future::join_all(used.into_iter().map(|(key, now)| async move {
        let extended = db
            .execute(
                "UPDATE sessions SET last_seen_at = $2, expires_at = $3 \
                 WHERE token_sha256 = $1 AND revoked_at IS NULL AND last_seen_at < $2",
                vec![
                    key.clone().into(),
                    now.as_micros().into(),
                    now.plus_seconds(IDLE_LIFETIME_SECONDS).as_micros().into(),
                ],
            )
            .await;
        match extended {
            Ok(1..) => None,
            Ok(0) => Some(key),
            Err(e) => {
                tracing::warn!(error = %e, "a session's life not extended");
                Some(key)
            }
        }
    }))
    .await;
    touched.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cma_domain::ids::{StaffId, TeamId};
    use cma_projections::ReadDb;

    async fn sqlite_records(dir: &tempfile::TempDir) -> ReadDb {
        let db = ReadDb::open_sqlite(&dir.path().join("read.db"))
            .await
            .expect("read database");
        db.migrate().await.expect("migrate");
        db
    }

    /// The sessions of a process that serves requests, on `db`'s records.
    async fn serving(db: &ReadDb) -> Sessions {
        Sessions::start(db.records().clone(), true)
            .await
            .expect("sessions")
    }

    fn staff() -> Principal {
        Principal::Staff {
            staff: StaffId::new(),
            team: TeamId::new(),
        }
    }

    fn at(instant: &str) -> Timestamp {
        Timestamp::parse_rfc3339(instant).expect("instant")
    }

    #[tokio::test]
    async fn using_a_session_extends_its_life() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = sqlite_records(&dir).await;
        let records = db.records().clone();
        let sessions = serving(&db).await;
        let opened_at = at("2026-12-04T12:00:00Z");
        let (session, token) = sessions
            .open(staff(), "owner@example.test", opened_at)
            .await
            .expect("opened");

        // Used 13 days on, it lives 14 days from then: 20 days on it is
        // still live, though it would have ended on day 14 unused.
        let used = opened_at.plus_seconds(13 * 24 * 3600);
        assert_eq!(
            sessions.find(&token, used).await.expect("found"),
            Some(session)
        );
        // The touch is written in the background.
        let since = std::time::Instant::now();
        loop {
            let (seen,): (i64,) = sqlx::query_as("SELECT last_seen_at FROM sessions")
                .fetch_one(records.reads())
                .await
                .expect("last seen");
            if seen == used.as_micros() {
                break;
            }
            assert!(
                since.elapsed() < std::time::Duration::from_secs(10),
                "never touched"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        // As kept in memory, and as the file holds it (a process that
        // has kept nothing yet, as after a restart).
        let restarted = serving(&db).await;
        let later = opened_at.plus_seconds(20 * 24 * 3600);
        for sessions in [&sessions, &restarted] {
            assert_eq!(
                sessions.find(&token, later).await.expect("found"),
                Some(session)
            );
        }
        let beyond = later.plus_seconds(IDLE_LIFETIME_SECONDS + 1);
        for sessions in [&sessions, &restarted] {
            assert_eq!(
                sessions.find(&token, beyond).await.expect("looked up"),
                None
            );
        }
        db.close().await;
    }

    /// The token of a staff session opened by `sessions` at `now`, and
    /// found.
    async fn signed_in(sessions: &Sessions, now: Timestamp) -> String {
        let (session, token) = sessions
            .open(staff(), "owner@example.test", now)
            .await
            .expect("opened");
        assert_eq!(
            sessions.find(&token, now).await.expect("found"),
            Some(session)
        );
        token
    }

    #[tokio::test]
    async fn a_logout_whose_caller_gave_up_still_ends_the_kept_session() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = sqlite_records(&dir).await;
        let sessions = serving(&db).await;
        let now = at("2026-12-04T12:00:00Z");
        let token = signed_in(&sessions, now).await;

        // The request that logs out is dropped by its client once the
        // write is on its way; the file ends the session all the same, and
        // so must memory.
        {
            let revoke = sessions.revoke(&token, now);
            tokio::pin!(revoke);
            assert!(futures::poll!(revoke.as_mut()).is_pending());
        }
        let since = std::time::Instant::now();
        loop {
            let (revoked,): (Option<i64>,) = sqlx::query_as("SELECT revoked_at FROM sessions")
                .fetch_one(db.records().reads())
                .await
                .expect("the session's row");
            let found = sessions.find(&token, now).await.expect("looked up");
            if revoked.is_some() && found.is_none() {
                break;
            }
            assert!(
                since.elapsed() < std::time::Duration::from_secs(10),
                "revoked in the file: {revoked:?}; found in memory: {found:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        db.close().await;
    }

    #[tokio::test]
    async fn an_ended_session_is_not_found_again_though_it_was_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = sqlite_records(&dir).await;
        let sessions = serving(&db).await;
        let now = at("2026-12-04T12:00:00Z");
        let team = TeamId::new();
        let (alice, bob) = (ClientId::new(), ClientId::new());
        let client = |client| Principal::Client { client, team };
        let mut opened = Vec::new();
        for principal in [staff(), client(alice), client(alice), client(bob)] {
            opened.push(
                sessions
                    .open(principal, "someone@example.test", now)
                    .await
                    .expect("opened"),
            );
        }
        // Found once from the file too, by a second handle on the records.
        let other = serving(&db).await;
        for (session, token) in &opened {
            for sessions in [&sessions, &other] {
                assert_eq!(
                    sessions.find(token, now).await.expect("found"),
                    Some(*session)
                );
            }
        }

        sessions
            .revoke(&opened[0].1, now)
            .await
            .expect("logged out");
        sessions
            .revoke_client(alice, now)
            .await
            .expect("alice's sessions ended");
        let live: Vec<bool> = {
            let mut live = Vec::new();
            for (_, token) in &opened {
                live.push(
                    sessions
                        .find(token, now)
                        .await
                        .expect("looked up")
                        .is_some(),
                );
            }
            live
        };
        assert_eq!(
            live,
            [false, false, false, true],
            "only bob's session lives on"
        );
        let restarted = serving(&db).await;
        for (i, (_, token)) in opened.iter().enumerate() {
            assert_eq!(
                restarted
                    .find(token, now)
                    .await
                    .expect("looked up")
                    .is_some(),
                live[i],
                "the file agrees on session {i}"
            );
        }
        db.close().await;
    }

    /// A scratch PostgreSQL database, its read side migrated.
    async fn postgres_db() -> (cma_testkit::bench::ScratchDb, ReadDb) {
        let scratch =
            cma_testkit::bench::ScratchDb::create("postgres://postgres@127.0.0.1:5432/test")
                .await
                .expect(
                    "PostgreSQL must be reachable at 127.0.0.1:5432 (user postgres, database test)",
                );
        let db = ReadDb::connect_postgres(&scratch.url)
            .await
            .expect("read database");
        db.migrate().await.expect("migrate");
        (scratch, db)
    }

    /// Two API processes' sessions on one scratch PostgreSQL database, each
    /// with its own pools and listener.
    struct TwoProcesses {
        scratch: cma_testkit::bench::ScratchDb,
        here_db: ReadDb,
        there_db: ReadDb,
        here: Sessions,
        there: Sessions,
    }

    impl TwoProcesses {
        async fn start() -> Self {
            let (scratch, here_db) = postgres_db().await;
            let there_db = ReadDb::connect_postgres(&scratch.url)
                .await
                .expect("read database");
            let here = serving(&here_db).await;
            let there = serving(&there_db).await;
            Self {
                scratch,
                here_db,
                there_db,
                here,
                there,
            }
        }

        async fn stop(self) {
            drop((self.here, self.there));
            self.here_db.close().await;
            self.there_db.close().await;
            self.scratch.drop().await.expect("database dropped");
        }
    }

    /// Runs `sql` on the records without their triggers: an end nobody
    /// announces, to tell a kept session from one read again.
    async fn unannounced(db: &ReadDb, sql: &'static str) {
        let mut tx = db.records().reads().begin().await.expect("transaction");
        sqlx::query("SET LOCAL session_replication_role = replica")
            .execute(&mut *tx)
            .await
            .expect("triggers off");
        sqlx::query(sql)
            .execute(&mut *tx)
            .await
            .expect("records changed");
        tx.commit().await.expect("committed");
    }

    /// Whether `sessions` finds `token` within ten seconds, asking again
    /// until it does `expected`.
    async fn comes_to(sessions: &Sessions, token: &str, now: Timestamp, expected: bool) -> bool {
        let since = std::time::Instant::now();
        while since.elapsed() < std::time::Duration::from_secs(10) {
            if sessions
                .find(token, now)
                .await
                .expect("looked up")
                .is_some()
                == expected
            {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        false
    }

    #[tokio::test]
    async fn a_session_ended_by_another_process_is_forgotten_when_the_end_is_announced() {
        let processes = TwoProcesses::start().await;
        let (here, there, here_db) = (&processes.here, &processes.there, &processes.here_db);
        let now = at("2026-12-04T12:00:00Z");
        let (client, team) = (ClientId::new(), TeamId::new());
        let (session, token) = here
            .open(staff(), "owner@example.test", now)
            .await
            .expect("opened");
        let (_, client_token) = here
            .open(Principal::Client { client, team }, "ann@example.test", now)
            .await
            .expect("opened");
        let (_, bystander) = here
            .open(staff(), "bystander@example.test", now)
            .await
            .expect("opened");
        for token in [&token, &client_token] {
            assert!(
                there.find(token, now).await.expect("found").is_some(),
                "read by the other process"
            );
        }

        // Both processes keep them: an end nobody announces goes unseen.
        unannounced(here_db, "UPDATE sessions SET revoked_at = 1").await;
        for sessions in [here, there] {
            assert_eq!(
                sessions.find(&token, now).await.expect("kept"),
                Some(session)
            );
            assert!(
                sessions
                    .find(&client_token, now)
                    .await
                    .expect("kept")
                    .is_some()
            );
        }
        unannounced(
            here_db,
            "UPDATE sessions SET revoked_at = NULL WHERE login_email <> 'bystander@example.test'",
        )
        .await;

        // A logout and a client's sessions ended by the other process are
        // heard of here; the process that ended them forgets at once.
        there.revoke(&token, now).await.expect("logged out");
        there.revoke_client(client, now).await.expect("ended");
        for token in [&token, &client_token] {
            assert_eq!(there.find(token, now).await.expect("looked up"), None);
            assert!(comes_to(here, token, now, false).await, "still kept here");
        }
        // Heard, not forgotten with everything else: the bystander, ended
        // unannounced, is still kept.
        assert!(here.find(&bystander, now).await.expect("kept").is_some());

        // The table emptied is announced as the end of every session.
        sqlx::query("TRUNCATE sessions")
            .execute(here_db.records().reads())
            .await
            .expect("emptied");
        assert!(comes_to(here, &bystander, now, false).await, "still kept");
        processes.stop().await;
    }

    #[tokio::test]
    async fn no_session_is_kept_while_ends_may_go_unheard() {
        let processes = TwoProcesses::start().await;
        let (here, there, here_db) = (&processes.here, &processes.there, &processes.here_db);
        let now = at("2026-12-04T12:00:00Z");
        let (session, token) = here
            .open(staff(), "owner@example.test", now)
            .await
            .expect("opened");
        unannounced(here_db, "UPDATE sessions SET revoked_at = 1").await;
        assert_eq!(here.find(&token, now).await.expect("kept"), Some(session));

        // Both processes' listening connections are cut: an end may have
        // gone unheard, so the ended session is read again, and not found.
        let (cut,): (i64,) = sqlx::query_as(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .fetch_one(processes.there_db.records().reads())
        .await
        .expect("listeners cut");
        assert_eq!(cut, 2, "one listener a process");
        assert!(
            comes_to(here, &token, now, false).await,
            "kept though unheard"
        );

        // Once listening again, sessions are kept again, and the ends
        // announced are heard.
        let since = std::time::Instant::now();
        let token = loop {
            let (_, token) = here
                .open(staff(), "owner@example.test", now)
                .await
                .expect("opened");
            assert!(here.find(&token, now).await.expect("found").is_some());
            unannounced(here_db, "UPDATE sessions SET revoked_at = 1").await;
            if here.find(&token, now).await.expect("looked up").is_some() {
                break token;
            }
            assert!(
                since.elapsed() < std::time::Duration::from_secs(10),
                "never kept again"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        unannounced(here_db, "UPDATE sessions SET revoked_at = NULL").await;
        assert!(there.find(&token, now).await.expect("found").is_some());
        there.revoke(&token, now).await.expect("logged out");
        assert!(comes_to(here, &token, now, false).await, "the end unheard");
        processes.stop().await;
    }

    #[tokio::test]
    async fn a_process_that_serves_no_requests_keeps_no_session_nor_listens() {
        let (scratch, db) = postgres_db().await;
        let sessions = Sessions::start(db.records().clone(), false)
            .await
            .expect("sessions");
        let now = at("2026-12-04T12:00:00Z");
        let token = signed_in(&sessions, now).await;
        unannounced(&db, "UPDATE sessions SET revoked_at = 1").await;
        assert_eq!(sessions.find(&token, now).await.expect("looked up"), None);
        let (listening,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .fetch_one(db.records().reads())
        .await
        .expect("listeners");
        assert_eq!(listening, 0);
        drop(sessions);
        db.close().await;
        scratch.drop().await.expect("database dropped");
    }
}
