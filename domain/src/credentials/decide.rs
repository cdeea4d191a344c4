//! The rules of a login: single-use, expiring links; hashes compared, never computed.

use super::commands::CredentialsCommand;
use super::errors::CredentialsError;
use super::events::*;
use super::state::Credentials;
use crate::time::Timestamp;

/// Default lifetime of an invite link (docs/product.md §3.2).
pub const INVITE_LIFETIME_SECONDS: i64 = 7 * 24 * 60 * 60;
/// Default lifetime of a reset link.
pub const RESET_LIFETIME_SECONDS: i64 = 60 * 60;

pub fn decide(
    state: &Credentials,
    command: CredentialsCommand,
    now: Timestamp,
) -> Result<Vec<CredentialsEvent>, CredentialsError> {
    use CredentialsCommand::*;
    let event = match command {
        IssueInvite {
            client,
            email,
            token_sha256,
            expires_at,
            by,
        } => {
            match state.principal {
                None => {}
                Some(Principal::Client(c)) if c == client => {}
                Some(_) => return Err(CredentialsError::OtherPrincipal),
            }
            CredentialsEvent::InviteIssued(CredentialsInviteIssued {
                client,
                email,
                token_sha256: token_hash(token_sha256)?,
                expires_at: expiry(expires_at, now, INVITE_LIFETIME_SECONDS)?,
                by,
                at: now,
            })
        }
        IssueReset {
            token_sha256,
            expires_at,
        } => {
            if state.principal.is_none() {
                return Err(CredentialsError::NoLogin);
            }
            CredentialsEvent::ResetIssued(CredentialsResetIssued {
                token_sha256: token_hash(token_sha256)?,
                expires_at: expiry(expires_at, now, RESET_LIFETIME_SECONDS)?,
                at: now,
            })
        }
        SetPassword {
            purpose,
            token_sha256,
            password_hash,
        } => {
            if !state.accepts_link(purpose, &token_sha256, now) {
                return Err(CredentialsError::InvalidToken);
            }
            CredentialsEvent::PasswordSet(CredentialsPasswordSet {
                purpose,
                password_hash: phc(password_hash)?,
                at: now,
            })
        }
        RegisterStaff {
            staff,
            team,
            email,
            password_hash,
        } => {
            if state.principal.is_some() {
                return Err(CredentialsError::AlreadyRegistered);
            }
            CredentialsEvent::StaffRegistered(CredentialsStaffRegistered {
                staff,
                team,
                email: email.trim().to_lowercase(),
                password_hash: phc(password_hash)?,
                at: now,
            })
        }
    };
    Ok(vec![event])
}

fn token_hash(hash: String) -> Result<String, CredentialsError> {
    let well_formed = hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if well_formed {
        Ok(hash)
    } else {
        Err(CredentialsError::MalformedTokenHash)
    }
}

fn phc(hash: String) -> Result<String, CredentialsError> {
    if hash.starts_with('$') && hash.len() > 1 {
        Ok(hash)
    } else {
        Err(CredentialsError::MalformedPasswordHash)
    }
}

fn expiry(
    given: Option<Timestamp>,
    now: Timestamp,
    default_seconds: i64,
) -> Result<Timestamp, CredentialsError> {
    let expires_at = given.unwrap_or_else(|| now.plus_seconds(default_seconds));
    if expires_at > now {
        Ok(expires_at)
    } else {
        Err(CredentialsError::ExpiryNotAfterIssue)
    }
}
