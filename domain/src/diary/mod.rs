//! The team diary (docs/product.md §8): one stream per team, `diary-{team id}`.
//!
//! All of a team's appointments live in one stream so that two clients racing
//! for one slot both decide against the same version: the second append fails
//! on the expected version, is retried, and is then refused as `SlotTaken`.
//!
//! - A client books a free slot of the team [`Schedule`](crate::schedule::Schedule)
//!   (carried in the command) with Meetings on.
//! - Staff add appointments at any time range, with or without a client.
//! - A client cancels their own appointment until 24 hours before it starts
//!   (exactly 24 h before is still allowed); staff cancel any time.
//! - The worker records when a client-cancellation window closes and when an
//!   appointment is completed; see [`Diary::due_at`]. A window closes once
//!   `now > starts_at − 24 h` (strictly), the same instant [`can_cancel`]
//!   turns false, so the event never forbids a cancellation the rule allows.
//!   Closing a window early is refused; closing it again, or for a cancelled
//!   or completed appointment, records nothing. The command side checks the
//!   clock as well, so a late worker changes nothing for the client.
//! - Staff may overlap appointments (it is their diary); only client bookings
//!   must fit a free slot.

mod commands;
mod decide;
mod errors;
mod events;
#[cfg(any(test, feature = "samples"))]
pub mod samples;
mod state;
#[cfg(test)]
mod tests;

pub use commands::DiaryCommand;
pub use decide::MAX_TITLE_CHARS;
pub use errors::{DiaryError, DiaryRule};
pub use events::{
    AppointmentAdded, AppointmentBooked, AppointmentCancelled, AppointmentCompleted,
    CancellationWindowClosed, DiaryEvent,
};
pub use state::{
    Appointment, AppointmentStatus, CANCELLATION_NOTICE_SECONDS, Diary, DueWork, can_cancel,
    cancellation_deadline,
};
