//! The rules a file command can break.

use crate::access::AccessDenied;
use crate::aggregate::{Refusal, RefusalKind};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error(transparent)]
    Access(#[from] AccessDenied),
    /// No such file, or (for a client) not on their own record.
    #[error("no such file")]
    NotFound,
    #[error("the file is empty")]
    Empty,
    /// The API answers 413.
    #[error("the file is {size} bytes; the limit is {limit}")]
    TooLarge { size: u64, limit: u64 },
    /// The API answers 415.
    #[error("files of type {0:?} are not accepted")]
    TypeNotAllowed(String),
    #[error("the content digest is not a SHA-256 hex string")]
    BadDigest,
    #[error("the storage key is not usable")]
    BadStorageKey,
    #[error("the file has already been uploaded")]
    AlreadyUploaded,
}

impl Refusal for FileError {
    fn kind(&self) -> RefusalKind {
        match self {
            FileError::Access(e) => e.kind(),
            FileError::NotFound => RefusalKind::NotFound,
            FileError::AlreadyUploaded => RefusalKind::Conflict,
            FileError::Empty
            | FileError::TooLarge { .. }
            | FileError::TypeNotAllowed(_)
            | FileError::BadDigest
            | FileError::BadStorageKey => RefusalKind::Unprocessable,
        }
    }
}
