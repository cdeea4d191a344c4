//! Messages (docs/product.md §7): one thread per client, `conversation-{client id}`.
//!
//! The client (with Messages on) and staff post into the thread; each side
//! keeps one read marker (all staff share the staff side). A side's unread
//! count is the number of the other side's messages after its marker.
//! Posting does not move the poster's own marker; the API marks a thread
//! read when a side opens it.

mod commands;
mod decide;
mod errors;
mod events;
#[cfg(any(test, feature = "samples"))]
pub mod samples;
mod state;
#[cfg(test)]
mod tests;

pub use commands::ConversationCommand;
pub use decide::{MAX_MESSAGE_CHARS, normalize_text};
pub use errors::{ConversationError, ConversationRule};
pub use events::{ConversationEvent, MarkedRead, MessagePosted};
pub use state::{Conversation, Side, unread_count};
