//! Logins (docs/product.md §3.2, §11): invite and reset links, passwords.
//!
//! Stream category `credentials`, one stream per login whose id is the
//! client's or the staff member's id. A link is single use, expires, and a
//! new link (invite or reset) replaces the one before. `decide` compares the
//! SHA-256 of tokens ([`token_sha256`]) and stores argon2id PHC strings the
//! application computed; it never hashes a password itself.

mod commands;
mod decide;
mod errors;
mod events;
mod link;
#[cfg(any(test, feature = "samples"))]
pub mod samples;
mod state;
#[cfg(test)]
mod tests;

pub use commands::CredentialsCommand;
pub use decide::{INVITE_LIFETIME_SECONDS, RESET_LIFETIME_SECONDS};
pub use errors::{CredentialsError, CredentialsRule};
pub use events::*;
pub use link::{link_token, login_of};
pub use state::{Credentials, PendingToken};

/// The SHA-256 (lower-case hex) of a link token, as commands carry it.
pub fn token_sha256(token: &str) -> String {
    crate::sha256::sha256_hex(token.as_bytes())
}
