//! Teams (docs/product.md §3.3, §8.1, §11): the business, its staff and settings —
//! name, branding, schedule and the invite email template.
//!
//! Stream category `team`, one stream per team. Only the team's own staff
//! act on it. Staff passwords live in their `credentials` streams.

mod commands;
mod errors;
mod events;
#[cfg(any(test, feature = "samples"))]
pub mod samples;
pub mod settings;
mod state;
pub mod template;
#[cfg(test)]
mod tests;

pub use commands::TeamCommand;
pub use errors::{TeamError, TeamRule};
pub use events::*;
pub use settings::{LOGO_CONTENT_TYPES, MAX_LOGO_BYTES};
pub use state::Team;
