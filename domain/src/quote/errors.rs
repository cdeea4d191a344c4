//! The rules a quote command can break.

use crate::access::AccessDenied;
use crate::aggregate::refusal_enum;
use crate::ids::LineId;
use crate::money::AmountError;

refusal_enum! {
    pub enum QuoteError: QuoteRule, wrapping Access(AccessDenied) => Forbidden {
        #[error("no such quote")]
        QuoteNotFound => NotFound,
        #[error("this quote already exists")]
        QuoteAlreadyExists => Conflict,
        #[error("the quote has no line {0}")]
        UnknownLine(LineId) => NotFound,
        #[error("a quote needs a title")]
        TitleMissing => Unprocessable,
        #[error("the title is longer than {max} characters", max = super::rules::MAX_TITLE)]
        #[strum_discriminants(strum(serialize = "quote-title-too-long"))]
        TitleTooLong => Unprocessable,
        #[error("the title is one line without control, bidirectional or invisible characters")]
        #[strum_discriminants(strum(serialize = "quote-title-has-hidden-characters"))]
        TitleHasHiddenCharacters => Unprocessable,
        #[error("a quote needs at least one line")]
        #[strum_discriminants(strum(serialize = "quote-no-lines"))]
        NoLines => Unprocessable,
        #[error("a quote has at most {max} lines", max = super::rules::MAX_LINES)]
        #[strum_discriminants(strum(serialize = "quote-too-many-lines"))]
        TooManyLines => Unprocessable,
        #[error("line {0} appears twice")]
        DuplicateLine(LineId) => Unprocessable,
        #[error("line {0} needs a description")]
        DescriptionMissing(LineId) => Unprocessable,
        #[error("the description of line {0} is too long")]
        #[strum_discriminants(strum(serialize = "quote-description-too-long"))]
        DescriptionTooLong(LineId) => Unprocessable,
        #[error(
            "the description of line {0} may not hold control, bidirectional or invisible characters"
        )]
        #[strum_discriminants(strum(serialize = "quote-description-has-hidden-characters"))]
        DescriptionHasHiddenCharacters(LineId) => Unprocessable,
        #[error("line {line}: {reason}")]
        InvalidAmount { line: LineId, reason: AmountError } => Unprocessable,
        #[error("line {0} is required, so it must be selected")]
        RequiredLineUnselected(LineId) => Unprocessable,
        #[error("line {0} is not optional")]
        LineNotOptional(LineId) => Unprocessable,
        #[error("the quote was accepted and is locked")]
        QuoteLocked => Conflict,
        #[error("the quote was already accepted")]
        AlreadyAccepted => Conflict,
        #[error("the quote was withdrawn")]
        QuoteWithdrawn => Conflict,
        #[error("the quote has expired")]
        QuoteExpired => Conflict,
        #[error("the quote has no expiry date")]
        NoExpiryDate => Unprocessable,
        #[error("the quote's expiry day has not ended yet")]
        NotYetExpired => Conflict,
        #[error("the quote changed: revision {current} is not the revision {shown} shown")]
        RevisionChanged { shown: u32, current: u32 } => Conflict,
        #[error("a comment needs some text")]
        CommentEmpty => Unprocessable,
        #[error("a comment is at most {max} characters", max = super::rules::MAX_COMMENT)]
        CommentTooLong => Unprocessable,
        #[error("a comment may not hold control, bidirectional or invisible characters")]
        CommentHasHiddenCharacters => Unprocessable,
        #[error("type your name to accept")]
        #[strum_discriminants(strum(serialize = "quote-name-missing"))]
        NameMissing => Unprocessable,
        #[error("the typed name is one line without control, bidirectional or invisible characters")]
        #[strum_discriminants(strum(serialize = "quote-name-has-hidden-characters"))]
        NameHasHiddenCharacters => Unprocessable,
        #[error("the typed name is too long")]
        #[strum_discriminants(strum(serialize = "quote-name-too-long"))]
        NameTooLong => Unprocessable,
        #[error("the signature is not a PNG image")]
        SignatureNotPng => Unprocessable,
        #[error("the signature image is larger than {max} bytes", max = super::signature::MAX_SIGNATURE_BYTES)]
        SignatureTooLarge => Unprocessable,
    }
}
