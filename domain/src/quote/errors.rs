//! The rules a quote command can break.

use crate::access::AccessDenied;
use crate::aggregate::{Refusal, RefusalKind, Rule};
use crate::ids::LineId;
use crate::money::AmountError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(QuoteRule),
    derive(strum::EnumIter, strum::IntoStaticStr),
    strum(serialize_all = "kebab-case")
)]
pub enum QuoteError {
    #[error(transparent)]
    #[strum_discriminants(strum(disabled))]
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
    #[strum_discriminants(strum(serialize = "quote-title-too-long"))]
    TitleTooLong,
    #[error("the title is one line without control, bidirectional or invisible characters")]
    #[strum_discriminants(strum(serialize = "quote-title-has-hidden-characters"))]
    TitleHasHiddenCharacters,
    #[error("a quote needs at least one line")]
    #[strum_discriminants(strum(serialize = "quote-no-lines"))]
    NoLines,
    #[error("a quote has at most {max} lines", max = super::rules::MAX_LINES)]
    #[strum_discriminants(strum(serialize = "quote-too-many-lines"))]
    TooManyLines,
    #[error("line {0} appears twice")]
    DuplicateLine(LineId),
    #[error("line {0} needs a description")]
    DescriptionMissing(LineId),
    #[error("the description of line {0} is too long")]
    #[strum_discriminants(strum(serialize = "quote-description-too-long"))]
    DescriptionTooLong(LineId),
    #[error(
        "the description of line {0} may not hold control, bidirectional or invisible characters"
    )]
    #[strum_discriminants(strum(serialize = "quote-description-has-hidden-characters"))]
    DescriptionHasHiddenCharacters(LineId),
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
    #[strum_discriminants(strum(serialize = "quote-name-missing"))]
    NameMissing,
    #[error("the typed name is one line without control, bidirectional or invisible characters")]
    #[strum_discriminants(strum(serialize = "quote-name-has-hidden-characters"))]
    NameHasHiddenCharacters,
    #[error("the typed name is too long")]
    #[strum_discriminants(strum(serialize = "quote-name-too-long"))]
    NameTooLong,
    #[error("the signature is not a PNG image")]
    SignatureNotPng,
    #[error("the signature image is larger than {max} bytes", max = super::signature::MAX_SIGNATURE_BYTES)]
    SignatureTooLarge,
}

impl Rule for QuoteRule {
    fn kind(self) -> RefusalKind {
        use QuoteRule::*;
        match self {
            Access => RefusalKind::Forbidden,
            QuoteNotFound | UnknownLine => RefusalKind::NotFound,
            QuoteAlreadyExists | QuoteLocked | AlreadyAccepted | QuoteWithdrawn | QuoteExpired
            | NotYetExpired | RevisionChanged => RefusalKind::Conflict,
            TitleMissing
            | TitleTooLong
            | TitleHasHiddenCharacters
            | NoLines
            | TooManyLines
            | DuplicateLine
            | DescriptionMissing
            | DescriptionTooLong
            | DescriptionHasHiddenCharacters
            | InvalidAmount
            | RequiredLineUnselected
            | LineNotOptional
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

impl Refusal for QuoteError {
    type Rule = QuoteRule;

    fn rule(&self) -> QuoteRule {
        self.into()
    }

    fn code(&self) -> &'static str {
        match self {
            QuoteError::Access(e) => e.code(),
            other => other.rule().into(),
        }
    }
}
