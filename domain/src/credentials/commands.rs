//! What the login flows ask of a credentials stream. Tokens arrive hashed
//! ([`super::token_sha256`]) and passwords as argon2id PHC strings.

use super::events::TokenPurpose;
use crate::ids::{ClientId, StaffId, TeamId};
use crate::time::Timestamp;

#[derive(Debug, Clone, PartialEq)]
pub enum CredentialsCommand {
    /// A portal invite link for a client; `expires_at` defaults to now + 7 days.
    IssueInvite {
        client: ClientId,
        email: String,
        token_sha256: String,
        expires_at: Option<Timestamp>,
        by: StaffId,
    },
    /// A reset link; `expires_at` defaults to now + 1 hour.
    IssueReset {
        token_sha256: String,
        expires_at: Option<Timestamp>,
    },
    /// Set the password with a link of this purpose.
    SetPassword {
        purpose: TokenPurpose,
        token_sha256: String,
        password_hash: String,
    },
    /// A staff login with its first password (signup).
    RegisterStaff {
        staff: StaffId,
        team: TeamId,
        email: String,
        password_hash: String,
    },
}
