//! The rules a file command can break.

use crate::access::AccessDenied;
use crate::aggregate::refusal_enum;

refusal_enum! {
    pub enum FileError: FileRule, wrapping Access(AccessDenied) => Forbidden {
        /// No such file, or (for a client) not on their own record.
        #[error("no such file")]
        NotFound => NotFound,
        #[error("the file is empty")]
        Empty => Unprocessable,
        /// The API answers 413.
        #[error("the file is {size} bytes; the limit is {limit}")]
        #[strum_discriminants(strum(serialize = "file-too-large"))]
        TooLarge { size: u64, limit: u64 } => Unprocessable,
        /// The API answers 415.
        #[error("files of type {0:?} are not accepted")]
        TypeNotAllowed(String) => Unprocessable,
        #[error("the content digest is not a SHA-256 hex string")]
        BadDigest => Unprocessable,
        #[error("the storage key is not usable")]
        BadStorageKey => Unprocessable,
        #[error("the file has already been uploaded")]
        AlreadyUploaded => Conflict,
    }
}
