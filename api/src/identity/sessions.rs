//! Server-side sessions (docs/product.md §11.1): a row per login among the
//! API's records, found by the SHA-256 of its token, so any API process can
//! serve any request.

use super::login_index::normalise;
use super::principal::Principal;
use super::tokens::{new_session_token, session_key};
use cma_domain::Timestamp;
use cma_domain::ids::{ClientId, SessionId};
use cma_projections::{ProjectionError, Records};
use sqlx::AnyPool;
use std::collections::HashMap;
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

/// Opens a session for `principal`, signed in with `login_email`; returns
/// it with its token (shown once).
pub async fn open(
    db: &Records,
    principal: Principal,
    login_email: &str,
    now: Timestamp,
) -> Result<(Session, String), ProjectionError> {
    let token = new_session_token();
    let id = SessionId::new();
    db.execute(
        "INSERT INTO sessions (token_sha256, session_id, principal_kind, principal_id, team_id, \
         created_at, last_seen_at, expires_at, revoked_at, login_email) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, NULL, $8)",
        vec![
            session_key(&token).into(),
            id.to_string().into(),
            principal.kind().as_str().into(),
            principal.id().to_string().into(),
            principal.team().to_string().into(),
            now.as_micros().into(),
            now.plus_seconds(IDLE_LIFETIME_SECONDS).as_micros().into(),
            normalise(login_email).into(),
        ],
    )
    .await?;
    Ok((Session { id, principal }, token))
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

/// The live session `token` opens, if any (not revoked, not expired); using
/// it extends its life (through `touches`).
pub async fn find(
    db: &Records,
    touches: &Touches,
    token: &str,
    now: Timestamp,
) -> Result<Option<Session>, sqlx::Error> {
    let key = session_key(token);
    let row: Option<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT session_id, principal_kind, principal_id, team_id, last_seen_at FROM sessions \
         WHERE token_sha256 = $1 AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(&key)
    .bind(now.as_micros())
    .fetch_optional(db.reads())
    .await?;
    let Some((id, kind, principal, team, last_seen)) = row else {
        return Ok(None);
    };
    let (Ok(id), Some(principal)) = (
        Uuid::try_parse(&id),
        Principal::from_columns(&kind, &principal, &team),
    ) else {
        return Ok(None);
    };
    if now.as_micros() - last_seen > TOUCH_EVERY_SECONDS * 1_000_000 {
        touches.request(key, now);
    }
    Ok(Some(Session {
        id: SessionId(id),
        principal,
    }))
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
pub struct Touches(tokio::sync::mpsc::Sender<(String, Timestamp)>);

impl Touches {
    /// Starts the task that writes touches to `db`; it ends with the last handle.
    pub fn start(db: Records) -> Self {
        let (send, mut due) = tokio::sync::mpsc::channel(TOUCHES_QUEUED);
        tokio::spawn(async move {
            let mut batch = Vec::new();
            while due.recv_many(&mut batch, TOUCHES_QUEUED).await > 0 {
                let latest: HashMap<String, Timestamp> = batch.drain(..).collect();
                if let Err(e) = touch(&db, latest).await {
                    tracing::warn!(error = %e, "session lives not extended");
                }
            }
        });
        Self(send)
    }

    /// Asks for the session whose token has the digest `key` to live on from `now`.
    fn request(&self, key: String, now: Timestamp) {
        let _queued_or_full = self.0.try_send((key, now));
    }
}

/// Extends the life of each session (by token digest) from its time of use.
async fn touch(db: &Records, used: HashMap<String, Timestamp>) -> Result<(), ProjectionError> {
    futures::future::try_join_all(used.into_iter().map(|(key, now)| {
        db.execute(
            "UPDATE sessions SET last_seen_at = $2, expires_at = $3 \
             WHERE token_sha256 = $1 AND revoked_at IS NULL AND last_seen_at < $2",
            vec![
                key.into(),
                now.as_micros().into(),
                now.plus_seconds(IDLE_LIFETIME_SECONDS).as_micros().into(),
            ],
        )
    }))
    .await?;
    Ok(())
}

/// Ends the session `token` opens (logout).
pub async fn revoke(db: &Records, token: &str, now: Timestamp) -> Result<(), ProjectionError> {
    db.execute(
        "UPDATE sessions SET revoked_at = $2 WHERE token_sha256 = $1 AND revoked_at IS NULL",
        vec![session_key(token).into(), now.as_micros().into()],
    )
    .await?;
    Ok(())
}

/// Ends every session of a client (their portal was suspended, or a
/// password was set from a link).
pub async fn revoke_client(
    db: &Records,
    client: ClientId,
    now: Timestamp,
) -> Result<(), ProjectionError> {
    db.execute(
        "UPDATE sessions SET revoked_at = $2 \
         WHERE principal_kind = 'client' AND principal_id = $1 AND revoked_at IS NULL",
        vec![client.to_string().into(), now.as_micros().into()],
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cma_domain::ids::{StaffId, TeamId};
    use cma_projections::ReadDb;

    #[tokio::test]
    async fn using_a_session_extends_its_life() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = ReadDb::open_sqlite(&dir.path().join("read.db"))
            .await
            .expect("read database");
        db.migrate().await.expect("migrate");
        let records = db.records().clone();
        let principal = Principal::Staff {
            staff: StaffId::new(),
            team: TeamId::new(),
        };
        let opened_at = Timestamp::parse_rfc3339("2026-12-04T12:00:00Z").expect("instant");
        let (session, token) = open(&records, principal, "owner@example.test", opened_at)
            .await
            .expect("opened");

        // Used 13 days on, it lives 14 days from then: 20 days on it is
        // still live, though it would have ended on day 14 unused.
        let touches = Touches::start(records.clone());
        let used = opened_at.plus_seconds(13 * 24 * 3600);
        assert_eq!(
            find(&records, &touches, &token, used).await.expect("found"),
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
        let later = opened_at.plus_seconds(20 * 24 * 3600);
        assert_eq!(
            find(&records, &touches, &token, later)
                .await
                .expect("found"),
            Some(session)
        );
        let beyond = later.plus_seconds(IDLE_LIFETIME_SECONDS + 1);
        assert_eq!(
            find(&records, &touches, &token, beyond)
                .await
                .expect("looked up"),
            None
        );
        db.close().await;
    }
}
