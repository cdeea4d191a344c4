//! Email (docs/product.md §9): composed from events, kept in an outbox, sent
//! through lettre with retries. See `docs/worker.md`.

pub mod body;
pub mod compose;
pub mod dkim;
pub mod draft;
pub mod enqueue;
pub mod facts;
pub mod ics;
pub mod kind;
pub mod list;
pub mod message;
pub mod outbox;
pub mod retry;
pub mod sender;
pub mod transport;

pub use dkim::Dkim;
pub use enqueue::{
    BEYOND_HORIZON, DEFAULT_FROM, DEFAULT_HORIZON, DEFAULT_QUIET_PERIOD, EmailEnqueuer,
    EmailSettings, check_address,
};
pub use kind::EmailKind;
pub use list::{EmailSummary, list_emails};
pub use retry::RetryPolicy;
pub use transport::{SmtpSettings, TransportSettings};
