//! A login as its events leave it.

use super::commands::CredentialsCommand;
use super::errors::CredentialsError;
use super::events::*;
use crate::aggregate::Aggregate;
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
                self.pending = None;
            }
            CredentialsEvent::StaffRegistered(e) => {
                self.principal = Some(Principal::Staff {
                    staff: e.staff,
                    team: e.team,
                });
                self.email = e.email.clone();
                self.password_hash = Some(e.password_hash.clone());
            }
        }
        self
    }
}
