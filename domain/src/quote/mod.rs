//! Quotes (PRODUCT §4): drafted and sent by staff, toggled, discussed and
//! accepted by the client, then locked for good.
//!
//! Stream category `quote`, one stream per quote. The acceptance event holds
//! every piece of evidence, including a SHA-256 of the canonical encoding of
//! what was accepted ([`content`], `docs/acceptance-hash.md`).

mod commands;
pub mod content;
mod decide;
mod errors;
mod events;
pub mod rules;
#[cfg(any(test, feature = "samples"))]
pub mod samples;
pub mod signature;
mod state;
#[cfg(test)]
mod tests;

pub use commands::{Acceptance, QuoteCommand};
pub use content::AcceptedContent;
pub use errors::QuoteError;
pub use events::*;
pub use state::{Quote, QuoteStatus};
