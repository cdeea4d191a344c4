//! Black-box tests: the real server on a random port with real SQLite files,
//! driven over HTTP.

#[path = "http/support.rs"]
mod support;

#[path = "http/identity.rs"]
mod identity;

#[path = "http/audit.rs"]
mod audit;
