//! The rules a quote command can break.

use crate::access::AccessDenied;
use crate::aggregate::{Refusal, RefusalKind};
use crate::ids::LineId;
use crate::money::AmountError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    #[error(transparent)]
    Access(#[from] AccessDenied),
    #[error("no such quote")]
    QuoteNotFound,
    #[error("this quote already exists")]
    QuoteAlreadyExists,
    #[error("the quote has no line {0}")]
    UnknownLine(LineId),
    #[error("a quote needs a title")]
    TitleMissing,
    #[error("the title is longer than {max} characters", max = super::rules::MAX_TITLE)]
    TitleTooLong,
    #[error("a quote needs at least one line")]
    NoLines,
    #[error("a quote has at most {max} lines", max = super::rules::MAX_LINES)]
    TooManyLines,
    #[error("line {0} appears twice")]
    DuplicateLine(LineId),
    #[error("line {0} needs a description")]
    DescriptionMissing(LineId),
    #[error("the description of line {0} is too long")]
    DescriptionTooLong(LineId),
    #[error("line {line}: {reason}")]
    InvalidAmount { line: LineId, reason: AmountError },
    #[error("line {0} is required, so it must be selected")]
    RequiredLineUnselected(LineId),
    #[error("line {0} is not optional")]
    LineNotOptional(LineId),
    #[error("the quote was accepted and is locked")]
    QuoteLocked,
    #[error("the quote was already accepted")]
    AlreadyAccepted,
    #[error("the quote was withdrawn")]
    QuoteWithdrawn,
    #[error("the quote has expired")]
    QuoteExpired,
    #[error("the quote has no expiry date")]
    NoExpiryDate,
    #[error("the quote's expiry day has not ended yet")]
    NotYetExpired,
    #[error("the quote changed: revision {current} is not the revision {shown} shown")]
    RevisionChanged { shown: u32, current: u32 },
    #[error("a comment needs some text")]
    CommentEmpty,
    #[error("a comment is at most {max} characters", max = super::rules::MAX_COMMENT)]
    CommentTooLong,
    #[error("a comment may not hold control, bidirectional or invisible characters")]
    CommentHasHiddenCharacters,
    #[error("type your name to accept")]
    NameMissing,
    #[error("the typed name is one line without control, bidirectional or invisible characters")]
    NameHasHiddenCharacters,
    #[error("the typed name is too long")]
    NameTooLong,
    #[error("the signature is not a PNG image")]
    SignatureNotPng,
    #[error("the signature image is larger than {max} bytes", max = super::signature::MAX_SIGNATURE_BYTES)]
    SignatureTooLarge,
}

impl Refusal for QuoteError {
    fn kind(&self) -> RefusalKind {
        use QuoteError::*;
        match self {
            Access(e) => e.kind(),
            QuoteNotFound | UnknownLine(_) => RefusalKind::NotFound,
            QuoteAlreadyExists
            | QuoteLocked
            | AlreadyAccepted
            | QuoteWithdrawn
            | QuoteExpired
            | NotYetExpired
            | RevisionChanged { .. } => RefusalKind::Conflict,
            TitleMissing
            | TitleTooLong
            | NoLines
            | TooManyLines
            | DuplicateLine(_)
            | DescriptionMissing(_)
            | DescriptionTooLong(_)
            | InvalidAmount { .. }
            | RequiredLineUnselected(_)
            | LineNotOptional(_)
            | NoExpiryDate
            | CommentEmpty
            | CommentTooLong
            | CommentHasHiddenCharacters
            | NameMissing
            | NameTooLong
            | NameHasHiddenCharacters
            | SignatureNotPng
            | SignatureTooLarge => RefusalKind::Unprocessable,
        }
    }
}
