//! Quotes (docs/product.md §4): drafted and sent by staff, toggled, discussed and
//! accepted by the client, then locked for good.
//!
//! Stream category `quote`, one stream per quote. The acceptance event holds
//! every piece of evidence, including a SHA-256 of the canonical encoding of
//! what was accepted ([`content`], `docs/acceptance-hash.md`).
//!
//! - Staff edit until acceptance or withdrawal; an edit of a sent quote is a
//!   new revision and resets the client's selection to the line defaults. An
//!   edit of an expired quote offers it again (the worker re-expires it if the
//!   new date has passed too).
//! - Clients see a quote once sent; a draft, another client's quote or
//!   another team's quote is `QuoteNotFound`.
//! - Expiry: a quote is expired from the first instant after its expiry day
//!   in the team time zone the command carries ([`rules::expiry_deadline`]),
//!   whether or not the worker has recorded `QuoteExpired` yet.
//! - Line comments are open to both sides until acceptance (also on expired
//!   or withdrawn quotes); nothing at all is accepted after acceptance.

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
pub use errors::{QuoteError, QuoteRule};
pub use events::*;
pub use state::{Quote, QuoteStatus};
