//! The worker against a real SMTP server on loopback, a real SQLite event
//! log and read database, and a real PostgreSQL server (several workers on
//! one database; a test fails, never skips, when it is unreachable).

mod contact;
mod crash;
mod emails;
mod fixtures;
mod horizon;
mod job_lock;
mod notify;
mod pypi;
mod relay;
mod retries;
mod rules;
mod several;
mod sign_in;
mod smtp;
