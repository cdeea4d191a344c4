//! The audit of a quote's acceptance (docs/product.md §10): its stream replayed with
//! the hash chain checked and the acceptance hashes recomputed, an acceptance
//! certificate, and the whole-log verification the CLI runs.

pub mod certificate;
pub mod command;
pub mod report;

pub use certificate::Certificate;
pub use report::{AcceptanceAudit, AuditEvent, QuoteAudit};
