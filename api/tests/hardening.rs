//! Hostile input and resource exhaustion against the real server: bodies
//! without `Content-Length`, slow clients, bursts of logins, odd methods,
//! retried commands.

#[path = "http/support.rs"]
#[allow(dead_code)]
mod support;

#[path = "hardening/raw.rs"]
mod raw;

#[path = "hardening/uploads.rs"]
mod uploads;

#[path = "hardening/metrics.rs"]
mod metrics;

#[path = "hardening/logins.rs"]
mod logins;

#[path = "hardening/links.rs"]
mod links;

#[path = "hardening/text.rs"]
mod text;

#[path = "hardening/timeouts.rs"]
mod timeouts;

#[path = "hardening/busy.rs"]
mod busy;

#[path = "hardening/cookies.rs"]
mod cookies;

#[path = "hardening/idempotency.rs"]
mod idempotency;

#[path = "hardening/signup.rs"]
mod signup;

#[path = "hardening/min_position.rs"]
mod min_position;

#[path = "hardening/payments.rs"]
mod payments;

#[path = "hardening/invoice.rs"]
mod invoice;
