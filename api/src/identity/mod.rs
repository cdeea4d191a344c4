//! Identity: passwords and their check, sessions, the login index and rate limits.

pub mod links;
pub mod login_index;
pub mod origin;
pub mod password_check;
pub mod passwords;
pub mod principal;
pub mod rate_limit;
pub mod sessions;
pub mod tokens;

pub use principal::{Kind, Principal};
