//! The pure model of the CMA client portal.
//!
//! One folder per stream, each with its commands, events, errors, `decide`
//! and `evolve`. Nothing here performs IO, awaits, or reads a clock.

pub mod access;
pub mod aggregate;
pub mod codec;
pub mod conversation;
pub mod diary;
pub mod file;
pub mod ids;
pub mod invoice;
pub mod money;
pub mod schedule;
pub mod testing;
pub mod time;

pub use aggregate::{Aggregate, Refusal, RefusalKind};
pub use codec::{DecodeError, EventCodec};
pub use time::Timestamp;
