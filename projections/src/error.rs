//! What can go wrong on the read side.

use cma_store::{Position, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error("read database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("read database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("read database writer: {0}")]
    Writer(String),
    #[error("read-model migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("event at position {position} does not decode: {source}")]
    Decode {
        position: Position,
        source: cma_domain::DecodeError,
    },
    #[error("read-model row is unreadable: {0}")]
    Corrupt(String),
    #[error("unknown projector {0:?}")]
    UnknownProjector(String),
    #[error("cannot create {path}: {reason}")]
    Io { path: String, reason: String },
}

impl ProjectionError {
    /// A stored value that does not parse back.
    pub(crate) fn corrupt(what: &str, value: &str) -> Self {
        Self::Corrupt(format!("{what} {value:?}"))
    }
}
