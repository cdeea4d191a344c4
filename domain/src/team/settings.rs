//! Checks on the values a team keeps: names, staff, branding, schedule.

use super::errors::TeamError;
use super::events::{Branding, StaffMember, TeamLogo};
use crate::schedule::Schedule;

pub const MAX_NAME: usize = 200;
pub const MAX_TAGLINE: usize = 200;

/// Sniffed MIME types a logo may have: images every browser shows.
pub const LOGO_CONTENT_TYPES: &[&str] = &["image/png", "image/jpeg", "image/webp", "image/gif"];

/// The largest logo, in bytes (2 MiB).
pub const MAX_LOGO_BYTES: u64 = 2 * 1024 * 1024;

/// The business name, trimmed, if acceptable.
pub fn business_name(raw: &str) -> Result<String, TeamError> {
    name(raw, "business_name", TeamError::BusinessNameMissing)
}

/// A name (the field `field`), trimmed, if acceptable; `missing` if blank.
fn name(raw: &str, field: &'static str, missing: TeamError) -> Result<String, TeamError> {
    crate::text::checked(raw, MAX_NAME, crate::text::Lines::One).map_err(|fault| {
        fault.into_error(
            missing,
            TeamError::TooLong(field),
            TeamError::HiddenCharacters(field),
        )
    })
}

/// `text` (the field `field`), if it holds no character refused in one line.
pub(super) fn one_line(text: &str, field: &'static str) -> Result<(), TeamError> {
    checked(text, crate::text::Lines::One, field)
}

/// `text` (the field `field`), if it holds no character refused in `lines`.
pub(super) fn checked(
    text: &str,
    lines: crate::text::Lines,
    field: &'static str,
) -> Result<(), TeamError> {
    match crate::text::refused_char(text, lines) {
        Some(_) => Err(TeamError::HiddenCharacters(field)),
        None => Ok(()),
    }
}

/// The staff member with a trimmed name and a normalised email, if acceptable.
pub fn staff_member(raw: StaffMember) -> Result<StaffMember, TeamError> {
    let name = name(&raw.name, "name", TeamError::StaffNameMissing)?;
    let email = crate::client::email::normalise(&raw.email)
        .map_err(|_| TeamError::InvalidEmail(raw.email.trim().to_owned()))?;
    Ok(StaffMember {
        staff: raw.staff,
        name,
        email,
    })
}

/// The contact address trimmed and in lower case, if it is an email address.
pub fn contact_email(raw: &str) -> Result<String, TeamError> {
    crate::client::email::normalise(raw).map_err(|_| TeamError::InvalidEmail(raw.trim().to_owned()))
}

/// The branding with a lower-case `#rrggbb` colour and a trimmed tagline
/// (an empty one is none), if acceptable.
pub fn branding(raw: Branding) -> Result<Branding, TeamError> {
    let accent_colour = match raw.accent_colour {
        None => None,
        Some(c) => {
            let colour = c.trim().to_ascii_lowercase();
            let hex = colour.strip_prefix('#').unwrap_or("");
            if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(TeamError::InvalidColour(c));
            }
            Some(colour)
        }
    };
    let tagline = raw
        .tagline
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    if tagline
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_TAGLINE)
    {
        return Err(TeamError::TooLong("tagline"));
    }
    if let Some(tagline) = &tagline {
        one_line(tagline, "tagline")?;
    }
    Ok(Branding {
        accent_colour,
        logo: raw.logo,
        tagline,
    })
}

/// An IANA time zone name jiff knows, if it is one.
pub fn time_zone(name: &str) -> Result<String, TeamError> {
    let name = name.trim();
    crate::schedule::check_time_zone(name)?;
    Ok(name.to_owned())
}

/// The schedule, if it passes every rule of [`Schedule::validate`].
pub fn schedule(raw: Schedule) -> Result<Schedule, TeamError> {
    let schedule = Schedule {
        time_zone: raw.time_zone.trim().to_owned(),
        ..raw
    };
    schedule.validate()?;
    Ok(schedule)
}

/// The logo, if its facts are acceptable: a non-empty image of an allowed
/// type within the size limit, with a SHA-256 digest and a usable storage key.
pub fn logo(raw: TeamLogo) -> Result<TeamLogo, TeamError> {
    let content_type = raw
        .content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if !LOGO_CONTENT_TYPES.contains(&content_type.as_str()) {
        return Err(TeamError::LogoTypeNotAllowed(content_type));
    }
    if raw.size == 0 {
        return Err(TeamError::LogoEmpty);
    }
    if raw.size > MAX_LOGO_BYTES {
        return Err(TeamError::LogoTooLarge {
            size: raw.size,
            limit: MAX_LOGO_BYTES,
        });
    }
    if !crate::file::is_sha256_hex(&raw.sha256)
        || !crate::file::usable_storage_key(&raw.storage_key)
    {
        return Err(TeamError::LogoBadDigest);
    }
    Ok(TeamLogo {
        content_type,
        ..raw
    })
}
