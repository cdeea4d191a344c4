//! Typed identifiers. Each is a UUID; the type says what it names.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh identifier: a time-ordered UUID (version 7, 74 random
            /// bits), so rows keyed by it are added at the end of indexes.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self(Uuid::nil())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )+};
}

id_type!(
    /// A trades business using the product.
    TeamId,
    /// A member of a team's staff.
    StaffId,
    /// A customer of a team.
    ClientId,
    QuoteId,
    /// A line of a quote, stable across revisions while the line is kept.
    LineId,
    InvoiceId,
    /// A payment recorded against an invoice (given by the caller, so a
    /// retried payment is recognised).
    PaymentId,
    FileId,
    MessageId,
    AppointmentId,
    CommentId,
    /// A server-side login session (its row id, never the bearer token).
    SessionId,
);
