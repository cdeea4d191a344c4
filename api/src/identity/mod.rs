//! Identity: passwords, sessions, the login index and rate limits.

pub mod links;
pub mod login;
pub mod logins;
pub mod origin;
pub mod passwords;
pub mod principal;
pub mod rate_limit;
pub mod sessions;
pub mod tokens;

pub use principal::{Kind, Principal};
