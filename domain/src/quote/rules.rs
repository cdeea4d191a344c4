//! Input rules shared by drafting and editing, and when an expiry day ends.

use super::errors::QuoteError::{
    self, CommentEmpty, CommentHasHiddenCharacters, CommentTooLong, DescriptionHasHiddenCharacters,
    DescriptionMissing, DescriptionTooLong, NameHasHiddenCharacters, NameMissing, NameTooLong,
    TitleHasHiddenCharacters, TitleMissing, TitleTooLong,
};
use super::events::QuoteLine;
use crate::money::check_line;
use crate::text::{self, Lines};
use crate::time::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::collections::BTreeSet;

pub const MAX_TITLE: usize = 200;
pub const MAX_LINES: usize = 500;
pub const MAX_DESCRIPTION: usize = 2_000;
pub const MAX_COMMENT: usize = 4_000;
pub const MAX_NAME: usize = 200;

/// The title, trimmed, if it is acceptable.
pub fn title(raw: &str) -> Result<String, QuoteError> {
    text::checked(raw, MAX_TITLE, Lines::One)
        .map_err(|fault| fault.into_error(TitleMissing, TitleTooLong, TitleHasHiddenCharacters))
}

/// The lines with trimmed descriptions, if every one is acceptable: at least
/// one, unique ids, figures within bounds, required lines selected.
pub fn lines(raw: Vec<QuoteLine>) -> Result<Vec<QuoteLine>, QuoteError> {
    if raw.is_empty() {
        return Err(QuoteError::NoLines);
    }
    if raw.len() > MAX_LINES {
        return Err(QuoteError::TooManyLines);
    }
    let mut seen = BTreeSet::new();
    raw.into_iter()
        .map(|mut line| {
            if !seen.insert(line.id) {
                return Err(QuoteError::DuplicateLine(line.id));
            }
            line.description = text::checked(&line.description, MAX_DESCRIPTION, Lines::Many)
                .map_err(|fault| {
                    fault.into_error(
                        DescriptionMissing(line.id),
                        DescriptionTooLong(line.id),
                        DescriptionHasHiddenCharacters(line.id),
                    )
                })?;
            check_line(line.quantity, line.unit_price, line.tax_rate).map_err(|reason| {
                QuoteError::InvalidAmount {
                    line: line.id,
                    reason,
                }
            })?;
            if !line.optional && !line.selected {
                return Err(QuoteError::RequiredLineUnselected(line.id));
            }
            Ok(line)
        })
        .collect()
}

/// The comment text, trimmed, if it is acceptable.
pub fn comment(raw: &str) -> Result<String, QuoteError> {
    text::checked(raw, MAX_COMMENT, Lines::Many)
        .map_err(|fault| fault.into_error(CommentEmpty, CommentTooLong, CommentHasHiddenCharacters))
}

/// The typed name, trimmed, if it is acceptable.
pub fn typed_name(raw: &str) -> Result<String, QuoteError> {
    text::checked(raw, MAX_NAME, Lines::One)
        .map_err(|fault| fault.into_error(NameMissing, NameTooLong, NameHasHiddenCharacters))
}

/// The first instant after the expiry day in `time_zone`: the quote is
/// expired from this instant on. `None` for a date with no next day.
pub fn expiry_deadline(expires_on: Date, time_zone: &TimeZone) -> Option<Timestamp> {
    let next_day = expires_on.tomorrow().ok()?;
    let start = next_day.to_zoned_datetime(time_zone.clone()).ok()?;
    Some(Timestamp::from_jiff(start.timestamp()))
}

/// Whether an expiry day (in `time_zone`) has ended at `now`; never without one.
pub fn is_past_expiry(expires_on: Option<Date>, now: Timestamp, time_zone: &TimeZone) -> bool {
    expires_on
        .and_then(|day| expiry_deadline(day, time_zone))
        .is_some_and(|deadline| now >= deadline)
}
