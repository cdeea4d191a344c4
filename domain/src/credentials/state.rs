//! A login as its events leave it.

use super::commands::CredentialsCommand;
use super::errors::CredentialsError;
use super::events::*;
use crate::aggregate::Aggregate;
use crate::sha256::digests_equal;
use crate::time::Timestamp;

/// The state of one credentials stream. Only `evolve` changes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Credentials {
    /// `None` until an invite or a staff registration.
    pub principal: Option<Principal>,
    pub email: String,
    /// The argon2id PHC string, once a password is set.
    pub password_hash: Option<String>,
    /// The one link that can still be used, if any.
    pub pending: Option<PendingToken>,
    /// The login email when the password in use was set. It differs from
    /// `email` while a re-invite to another address waits to be used.
    pub password_email: Option<String>,
}

/// An issued, unused link.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingToken {
    pub purpose: TokenPurpose,
    pub token_sha256: String,
    pub expires_at: Timestamp,
}

impl Credentials {
    /// Whether a password is set (the login can be used).
    pub fn has_password(&self) -> bool {
        self.password_hash.is_some()
    }

    /// Whether the link whose token hashes to `token_sha256` can set the
    /// password for `purpose` at `now`: the login's one pending link, of
    /// that purpose, not expired.
    pub fn accepts_link(&self, purpose: TokenPurpose, token_sha256: &str, now: Timestamp) -> bool {
        self.pending.as_ref().is_some_and(|p| {
            p.purpose == purpose
                && now < p.expires_at
                && digests_equal(&p.token_sha256, token_sha256)
        })
    }

    /// The address that had the password in use before it is set again
    /// with the pending link, when that link re-points the login to another
    /// address (a re-invite to a new address, used).
    pub fn repointed_from(&self) -> Option<&str> {
        self.password_email
            .as_deref()
            .filter(|previous| !previous.eq_ignore_ascii_case(&self.email))
    }
}

impl Aggregate for Credentials {
    const CATEGORY: &'static str = "credentials";
    type Command = CredentialsCommand;
    type Event = CredentialsEvent;
    type Error = CredentialsError;

    fn decide(
        &self,
        command: CredentialsCommand,
        now: Timestamp,
    ) -> Result<Vec<CredentialsEvent>, CredentialsError> {
        super::decide::decide(self, command, now)
    }

    fn evolve(mut self, event: &CredentialsEvent) -> Self {
        match event {
            CredentialsEvent::InviteIssued(e) => {
                self.principal = Some(Principal::Client(e.client));
                self.email = e.email.clone();
                self.pending = Some(PendingToken {
                    purpose: TokenPurpose::Invite,
                    token_sha256: e.token_sha256.clone(),
                    expires_at: e.expires_at,
                });
            }
            CredentialsEvent::ResetIssued(e) => {
                self.pending = Some(PendingToken {
                    purpose: TokenPurpose::Reset,
                    token_sha256: e.token_sha256.clone(),
                    expires_at: e.expires_at,
                });
            }
            CredentialsEvent::PasswordSet(e) => {
                self.password_hash = Some(e.password_hash.clone());
                self.password_email = Some(self.email.clone());
                self.pending = None;
            }
            CredentialsEvent::StaffRegistered(e) => {
                self.principal = Some(Principal::Staff {
                    staff: e.staff,
                    team: e.team,
                });
                self.email = e.email.clone();
                self.password_hash = Some(e.password_hash.clone());
                self.password_email = Some(e.email.clone());
            }
        }
        self
    }
}
