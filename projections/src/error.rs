//! What can go wrong on the read side.

use cma_store::{Position, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error("read database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("read database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A write on the read database's blocking thread did not finish (it
    /// panicked or was cancelled).
    #[error("read database writer: {0}")]
    Writer(#[source] tokio::task::JoinError),
    /// The writer's connection or transaction is not where it should be.
    #[error("read database writer: {0}")]
    WriterState(&'static str),
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
    /// A projector's checkpoint moved under its batch (a rebuild swapped
    /// its tables in, or another runner wrote it): the batch is read again.
    #[error("the projector's checkpoint moved under its batch")]
    CheckpointMoved,
    #[error("unknown projector {0:?}")]
    UnknownProjector(String),
    #[error("cannot create {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
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

    #[tokio::test]
    async fn a_read_database_that_cannot_create_its_folder_keeps_the_io_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("a-file");
        std::fs::write(&file, b"not a folder").expect("write");

        let Err(e) = crate::ReadDb::open_sqlite(&file.join("read").join("read.db")).await else {
            panic!("opened a read database under a file");
        };

        assert!(e.to_string().starts_with("cannot create "), "{e}");
        let io = std::error::Error::source(&e)
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .expect("the source is the io error");
        assert_eq!(io.kind(), std::io::ErrorKind::NotADirectory);
    }
}
