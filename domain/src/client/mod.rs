//! Clients and their portal access (docs/product.md §3): saved emails, invites,
//! activation, the master switch and the section toggles.
//!
//! Stream category `client`, one stream per client. Every staff action
//! records the staff member and the time. The invite link (token) lives in
//! the client's `credentials` stream; this stream holds the access facts
//! that every client command carries as a [`crate::access::ClientPortal`]
//! ([`Client::portal`]).

mod commands;
mod decide;
pub mod email;
mod errors;
mod events;
#[cfg(any(test, feature = "samples"))]
pub mod samples;
mod state;
#[cfg(test)]
mod tests;

pub use commands::ClientCommand;
pub use errors::{ClientError, ClientRule};
pub use events::*;
pub use state::{Client, Invite, PortalStatus};
