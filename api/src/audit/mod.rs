//! The audit of a quote's acceptance (docs/product.md §10): its stream replayed with
//! the hash chain checked and the acceptance hashes recomputed, an acceptance
//! certificate, and the whole-log verification the CLI runs.

pub(crate) mod certificate;
pub mod command;
pub(crate) mod report;

pub(crate) use certificate::Certificate;
pub(crate) use report::QuoteAudit;
