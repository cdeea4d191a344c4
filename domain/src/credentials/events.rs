//! What happens to a login: invite and reset links, passwords (docs/product.md §3.2, §11).
//!
//! Tokens are never stored, only their SHA-256; passwords only as the
//! argon2id PHC string the application computed.

use crate::ids::{ClientId, StaffId, TeamId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Whose login a credentials stream holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Principal {
    Client(ClientId),
    Staff { staff: StaffId, team: TeamId },
}

/// What a single-use link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenPurpose {
    /// First password, from a portal invite (default lifetime 7 days).
    Invite,
    /// Forgotten password (default lifetime 1 hour).
    Reset,
}

/// Staff invited a client: a new link replaces any earlier one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialsInviteIssued {
    pub client: ClientId,
    /// The login email (one of the client's saved addresses).
    pub email: String,
    pub token_sha256: String,
    pub expires_at: Timestamp,
    pub by: StaffId,
    pub at: Timestamp,
}

/// A password reset link was issued; it replaces any earlier link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialsResetIssued {
    pub token_sha256: String,
    pub expires_at: Timestamp,
    pub at: Timestamp,
}

/// A password was set with a valid link, which is now used up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialsPasswordSet {
    pub purpose: TokenPurpose,
    pub password_hash: String,
    pub at: Timestamp,
}

/// A staff member signed up (team owner) or was given a login, with a password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialsStaffRegistered {
    pub staff: StaffId,
    pub team: TeamId,
    pub email: String,
    pub password_hash: String,
    pub at: Timestamp,
}

crate::event_enum! {
    /// Events of a credentials stream (category `credentials`, one per login,
    /// its id the client's or staff member's id).
    pub enum CredentialsEvent {
        InviteIssued(CredentialsInviteIssued) = "CredentialsInviteIssued" v 1,
        ResetIssued(CredentialsResetIssued) = "CredentialsResetIssued" v 1,
        PasswordSet(CredentialsPasswordSet) = "CredentialsPasswordSet" v 1,
        StaffRegistered(CredentialsStaffRegistered) = "CredentialsStaffRegistered" v 1,
    }
}
