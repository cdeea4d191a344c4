//! The worker against a real SMTP server on loopback, a real SQLite event
//! log and read database, and (where available) PostgreSQL.

mod crash;
mod emails;
mod fixtures;
mod retries;
mod rules;
mod smtp;
