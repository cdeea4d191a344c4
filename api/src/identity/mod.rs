//! Identity: passwords and their check, sessions, the login index and rate limits.

mod kept_sessions;
pub(crate) mod links;
pub(crate) mod login_index;
pub(crate) mod origin;
pub(crate) mod password_check;
pub(crate) mod passwords;
pub(crate) mod principal;
pub(crate) mod rate_limit;
mod session_ends;
pub(crate) mod sessions;
pub(crate) mod tokens;

pub(crate) use principal::{Kind, Principal};
