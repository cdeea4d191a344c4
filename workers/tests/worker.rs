//! The worker against a real SMTP server on loopback, a real SQLite event
//! log and read database, and a real PostgreSQL server (several workers on
//! one database; a test fails, never skips, when it is unreachable).

#[path = "worker/batch.rs"]
mod batch;
#[path = "worker/contact.rs"]
mod contact;
#[path = "worker/crash.rs"]
mod crash;
#[path = "worker/delivery.rs"]
mod delivery;
#[path = "worker/emails.rs"]
mod emails;
#[path = "worker/fixtures.rs"]
mod fixtures;
#[path = "worker/horizon.rs"]
mod horizon;
#[path = "worker/job_lock.rs"]
mod job_lock;
#[path = "worker/notify.rs"]
mod notify;
#[path = "worker/relay.rs"]
mod relay;
#[path = "worker/retries.rs"]
mod retries;
#[path = "worker/rules.rs"]
mod rules;
#[path = "worker/several.rs"]
mod several;
#[path = "worker/sign_in.rs"]
mod sign_in;
