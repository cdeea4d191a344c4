//! Sessions kept in memory by the process that alone writes them.
//!
//! On the embedded default one `cma serve` owns `api.db` (docs/operations.md,
//! "Two deployments"): every session is opened, extended and ended by this
//! process. It keeps the sessions it found, so a request does not read its
//! session from the file again, and forgets one in the same step that
//! ends it, so a kept session is never one the file holds as ended. On
//! PostgreSQL another API process may end a session at any moment, so
//! nothing is kept there and every request reads its session.

use super::sessions::{IDLE_LIFETIME_SECONDS, Session};
use cma_domain::Timestamp;
use cma_domain::ids::ClientId;
use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// How many sessions are kept; the least recently used beyond it are read
/// from the file again when next used.
const KEPT: NonZeroUsize = NonZeroUsize::new(10_000).expect("not zero");

/// A kept session with its life as the file holds it (or will, once a
/// queued touch is written).
#[derive(Clone, Copy, Debug)]
pub struct Kept {
    pub session: Session,
    pub last_seen: Timestamp,
    pub expires_at: Timestamp,
}

impl Kept {
    /// The session as used at `now`, extended from then.
    pub fn used(self, now: Timestamp) -> Self {
        Self {
            last_seen: now,
            expires_at: now.plus_seconds(IDLE_LIFETIME_SECONDS),
            ..self
        }
    }
}

/// The kept sessions by their token's digest, and how many times sessions
/// were ended: a session read from the file before an end is kept only if
/// no end came in between (the end may be the one of this very session).
pub struct KeptSessions(Mutex<Inner>);

struct Inner {
    ends: u64,
    sessions: LruCache<String, Kept>,
}

/// What was seen before a read from (or a write to) the file:
/// [`KeptSessions::keep`] keeps the session only if no session ended since.
#[derive(Clone, Copy, Debug)]
pub struct Seen(u64);

impl Default for KeptSessions {
    fn default() -> Self {
        Self(Mutex::new(Inner {
            ends: 0,
            sessions: LruCache::new(KEPT),
        }))
    }
}

impl KeptSessions {
    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The kept session of token digest `key` live at `now`, passed to
    /// `using` (which may extend it); `Err` with what was seen when none is
    /// kept or it has expired, to keep what the file holds with.
    pub fn find(
        &self,
        key: &str,
        now: Timestamp,
        using: impl FnOnce(Kept) -> Kept,
    ) -> Result<Session, Seen> {
        let mut inner = self.inner();
        match inner.sessions.get_mut(key) {
            Some(kept) if kept.expires_at > now => {
                *kept = using(*kept);
                Ok(kept.session)
            }
            Some(_) => {
                inner.sessions.pop(key);
                Err(Seen(inner.ends))
            }
            None => Err(Seen(inner.ends)),
        }
    }

    /// Keeps `kept`, read from (or written to) the file after `seen`,
    /// unless a session ended since.
    pub fn keep(&self, key: String, kept: Kept, seen: Seen) {
        let mut inner = self.inner();
        if inner.ends == seen.0 {
            inner.sessions.put(key, kept);
        }
    }

    /// What is seen now, before a session is written to the file: one
    /// opened while any was ended (its client's, perhaps) is not kept.
    pub fn seen(&self) -> Seen {
        Seen(self.inner().ends)
    }

    /// Forgets the session of token digest `key`: the file holds it other
    /// than kept (its extension was not written); it is read again when
    /// next used.
    pub fn forget(&self, key: &str) {
        self.inner().sessions.pop(key);
    }

    /// Forgets the session of token digest `key`, once the file holds it ended.
    pub fn ended(&self, key: &str) {
        let mut inner = self.inner();
        inner.ends += 1;
        inner.sessions.pop(key);
    }

    /// Forgets every session of `client`, once the file holds them ended.
    pub fn client_ended(&self, client: ClientId) {
        let mut inner = self.inner();
        inner.ends += 1;
        let theirs: Vec<String> = inner
            .sessions
            .iter()
            .filter(|(_, kept)| kept.session.principal.client() == Some(client))
            .map(|(key, _)| key.clone())
            .collect();
        for key in theirs {
            inner.sessions.pop(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Principal;
    use cma_domain::ids::{SessionId, TeamId};

    fn kept(client: ClientId, now: Timestamp) -> Kept {
        Kept {
            session: Session {
                id: SessionId::new(),
                principal: Principal::Client {
                    client,
                    team: TeamId::new(),
                },
            },
            last_seen: now,
            expires_at: now.plus_seconds(60),
        }
    }

    #[test]
    fn a_session_read_before_any_end_is_not_kept() {
        let now = Timestamp::parse_rfc3339("2026-12-04T12:00:00Z").expect("instant");
        let kept_sessions = KeptSessions::default();
        let found = kept(ClientId::new(), now);

        // Read from the file while its session (or any other) was ended:
        // what the read found may be ended already, so it is not kept.
        let Err(seen) = kept_sessions.find("a", now, |k| k) else {
            panic!("nothing is kept yet");
        };
        kept_sessions.ended("a");
        kept_sessions.keep("a".to_owned(), found, seen);
        assert!(kept_sessions.find("a", now, |k| k).is_err());

        let Err(seen) = kept_sessions.find("a", now, |k| k) else {
            panic!("nothing is kept yet");
        };
        kept_sessions.client_ended(ClientId::new());
        kept_sessions.keep("a".to_owned(), found, seen);
        assert!(kept_sessions.find("a", now, |k| k).is_err());

        // With no end in between it is kept, until it expires.
        let Err(seen) = kept_sessions.find("a", now, |k| k) else {
            panic!("nothing is kept yet");
        };
        kept_sessions.keep("a".to_owned(), found, seen);
        assert_eq!(
            kept_sessions.find("a", now, |k| k).ok(),
            Some(found.session)
        );
        assert!(kept_sessions.find("a", found.expires_at, |k| k).is_err());
    }
}
