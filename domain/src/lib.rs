//! The pure model of the CMA client portal.
//!
//! One folder per stream, each with its commands, events, errors, `decide`
//! and `evolve`. Nothing here performs IO, awaits, or reads a clock.

pub mod access;
pub mod aggregate;
#[cfg(test)]
mod catalogue;
pub mod client;
pub mod codec;
pub mod conversation;
pub mod credentials;
pub mod diary;
pub mod event;
pub mod file;
#[cfg(test)]
mod golden;
pub mod ids;
pub mod invoice;
pub mod invoice_numbers;
pub mod money;
pub mod quote;
pub mod refusals;
pub mod schedule;
pub mod sha256;
pub mod team;
#[cfg(any(test, feature = "samples"))]
pub mod testing;
pub mod text;
pub mod time;

pub use aggregate::{Aggregate, Refusal, RefusalKind, Rule};
pub use codec::{DecodeError, EventCodec};
pub use event::Event;
pub use time::Timestamp;
