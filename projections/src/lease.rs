//! The single-active lease on PostgreSQL: a session-level advisory lock
//! held on a connection of its own. The server releases it when that
//! connection ends, so a dead process hands over within seconds.

use crate::db::ReadDb;
use crate::error::ProjectionError;
use sqlx::{AnyConnection, Connection};
use std::time::{Duration, Instant};

/// The lock namespace of projector leases ("CMAP" in ASCII).
const NAMESPACE: i32 = 0x434d_4150;

/// Takes the session advisory lock `(namespace, name)` on `conn` unless
/// another session holds it; true if taken.
pub async fn advisory_try_lock(
    conn: &mut AnyConnection,
    namespace: i32,
    name: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT pg_try_advisory_lock($1, hashtext($2))")
        .bind(namespace)
        .bind(name)
        .fetch_one(conn)
        .await
}

/// Releases the session advisory lock `(namespace, name)` held on `conn`.
pub async fn advisory_unlock(
    conn: &mut AnyConnection,
    namespace: i32,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_unlock($1, hashtext($2))")
        .bind(namespace)
        .bind(name)
        .execute(conn)
        .await
        .map(drop)
}

pub struct Lease {
    conn: AnyConnection,
    name: &'static str,
    /// When its connection last answered.
    answered: Instant,
}

impl Lease {
    /// Takes the lease of projector `name` if no other session holds it.
    pub async fn try_acquire(
        db: &ReadDb,
        name: &'static str,
    ) -> Result<Option<Lease>, ProjectionError> {
        let mut conn = db.dedicated().await?;
        if advisory_try_lock(&mut conn, NAMESPACE, name).await? {
            Ok(Some(Lease {
                conn,
                name,
                answered: Instant::now(),
            }))
        } else {
            conn.close().await?;
            Ok(None)
        }
    }

    /// Whether the lease is still held: its connection answered within
    /// `within`, or answers now. A runner's writes never rest on this
    /// alone: each is fenced by its checkpoint (crate::runner).
    pub async fn is_held(&mut self, within: Duration) -> bool {
        if self.answered.elapsed() < within {
            return true;
        }
        let answers = self.conn.ping().await.is_ok();
        if answers {
            self.answered = Instant::now();
        }
        answers
    }

    /// Gives the lease back at once.
    pub async fn release(mut self) {
        let unlocked = advisory_unlock(&mut self.conn, NAMESPACE, self.name).await;
        if let Err(e) = unlocked {
            tracing::warn!(projector = self.name, error = %e, "lease release failed");
        }
        let _closed = self.conn.close().await;
    }
}
