//! Sessions kept in memory, so a request does not read its session again.
//!
//! On the embedded default one `cma serve` owns `api.db` (docs/operations.md,
//! "Two deployments"): every session is opened, extended and ended by this
//! process, which forgets one in the same step that ends it, so a kept
//! session is never one `api.db` holds as ended. On PostgreSQL another API
//! process may end a session at any moment: each process also forgets the
//! sessions whose end the database announces (`session_ends`), and keeps
//! nothing while it cannot hear those announcements.

use super::sessions::{IDLE_LIFETIME_SECONDS, Session};
use cma_domain::Timestamp;
use cma_domain::ids::ClientId;
use cma_store::guarded::{Guarded, Seen, Writing};
use std::num::NonZeroUsize;

/// How many sessions are kept; the least recently used beyond it are read
/// from the records again when next used.
const KEPT: NonZeroUsize = NonZeroUsize::new(10_000).expect("not zero");

/// A kept session with its life as the records hold it (or will, once a
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

/// The kept sessions by their token's digest. Every end of a session
/// counts as a change: a session read from the records before an end is kept
/// only if no end came in between (the end may be the one of this very
/// session).
pub struct KeptSessions(Guarded<String, Kept>);

impl Default for KeptSessions {
    fn default() -> Self {
        Self(Guarded::new(KEPT))
    }
}

impl KeptSessions {
    /// The kept session of token digest `key` live at `now`, passed to
    /// `using` (which may extend it); `Err` with what was seen when none is
    /// kept or it has expired, to keep what the records hold with.
    pub fn find(
        &self,
        key: &str,
        now: Timestamp,
        using: impl FnOnce(Kept) -> Kept,
    ) -> Result<Session, Seen> {
        self.0.find(key, |kept| {
            (kept.expires_at > now).then(|| {
                *kept = using(*kept);
                kept.session
            })
        })
    }

    /// Keeps `kept`, read from (or written to) the records after `seen`,
    /// unless a session ended since.
    pub fn keep(&self, key: &str, kept: Kept, seen: Seen) {
        self.0.keep(key, kept, Some(seen), |old, new| *old = new);
    }

    /// What is seen now, before a session is written to the records: one
    /// opened while any was ended (its client's, perhaps) is not kept.
    pub fn seen(&self) -> Seen {
        self.0.seen()
    }

    /// Forgets the session of token digest `key`, once the records hold it
    /// ended, or other than kept (its extension was not written): it is
    /// read again when next used.
    pub fn forget(&self, key: &str) {
        self.0.change_one(key);
    }

    /// Forgets every session, and keeps none until the returned guard is
    /// dropped: while ends may go unheard.
    pub fn deaf(&self) -> Writing<'_, String, Kept> {
        self.0.writing(|_, _| true)
    }

    /// Forgets every session and keeps none from now on: a guard of
    /// [`KeptSessions::deaf`] that is never dropped.
    pub fn never_again(&self) {
        std::mem::forget(self.deaf());
    }

    /// Forgets every session of `client`, once the records hold them ended.
    pub fn client_ended(&self, client: ClientId) {
        self.0
            .change(|_, kept| kept.session.principal.client() == Some(client));
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
        kept_sessions.forget("a");
        kept_sessions.keep("a", found, seen);
        assert!(kept_sessions.find("a", now, |k| k).is_err());

        let Err(seen) = kept_sessions.find("a", now, |k| k) else {
            panic!("nothing is kept yet");
        };
        kept_sessions.client_ended(ClientId::new());
        kept_sessions.keep("a", found, seen);
        assert!(kept_sessions.find("a", now, |k| k).is_err());

        // With no end in between it is kept, until it expires.
        let Err(seen) = kept_sessions.find("a", now, |k| k) else {
            panic!("nothing is kept yet");
        };
        kept_sessions.keep("a", found, seen);
        assert_eq!(
            kept_sessions.find("a", now, |k| k).ok(),
            Some(found.session)
        );
        assert!(kept_sessions.find("a", found.expires_at, |k| k).is_err());
    }
}
