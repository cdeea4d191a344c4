//! The rules a file command can break.

use crate::access::AccessDenied;
use crate::aggregate::{Refusal, RefusalKind, Rule};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(FileRule),
    derive(strum::EnumIter, strum::IntoStaticStr),
    strum(serialize_all = "kebab-case")
)]
pub enum FileError {
    #[error(transparent)]
    #[strum_discriminants(strum(disabled))]
    Access(#[from] AccessDenied),
    /// No such file, or (for a client) not on their own record.
    #[error("no such file")]
    NotFound,
    #[error("the file is empty")]
    Empty,
    /// The API answers 413.
    #[error("the file is {size} bytes; the limit is {limit}")]
    #[strum_discriminants(strum(serialize = "file-too-large"))]
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

impl Rule for FileRule {
    fn kind(self) -> RefusalKind {
        use FileRule::*;
        match self {
            Access => RefusalKind::Forbidden,
            NotFound => RefusalKind::NotFound,
            AlreadyUploaded => RefusalKind::Conflict,
            Empty | TooLarge | TypeNotAllowed | BadDigest | BadStorageKey => {
                RefusalKind::Unprocessable
            }
        }
    }
}

impl Refusal for FileError {
    type Rule = FileRule;

    fn rule(&self) -> FileRule {
        self.into()
    }

    fn code(&self) -> &'static str {
        match self {
            FileError::Access(e) => e.code(),
            other => other.rule().into(),
        }
    }
}
