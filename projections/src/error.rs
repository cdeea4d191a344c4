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
    /// Whether trying again later may succeed: the database busy (another
    /// writer held its lock past the busy timeout), locked, out of reach or
    /// out of room.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Db(e) => cma_store::store::transient(e),
            Self::Sqlite(e) => e.sqlite_error_code().is_some_and(|code| {
                use rusqlite::ErrorCode::*;
                matches!(
                    code,
                    DatabaseBusy | DatabaseLocked | OutOfMemory | SystemIoFailure | DiskFull
                )
            }),
            Self::Store(e) => e.is_transient(),
            _ => false,
        }
    }

    /// A stored value that does not parse back.
    pub(crate) fn corrupt(what: &str, value: &str) -> Self {
        Self::Corrupt(format!("{what} {value:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_or_locked_database_is_transient_a_bad_query_is_not() {
        let sqlite = |code| {
            ProjectionError::Sqlite(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(code),
                None,
            ))
        };
        assert!(sqlite(rusqlite::ffi::SQLITE_BUSY).is_transient());
        assert!(sqlite(rusqlite::ffi::SQLITE_LOCKED).is_transient());
        assert!(!sqlite(rusqlite::ffi::SQLITE_CONSTRAINT).is_transient());
        assert!(ProjectionError::Db(sqlx::Error::PoolTimedOut).is_transient());
        assert!(!ProjectionError::Corrupt("x".into()).is_transient());
    }
}
