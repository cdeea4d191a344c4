//! Client names and email addresses as the record keeps them.

use super::errors::ClientError::{self, NameHasHiddenCharacters, NameMissing, NameTooLong};
use crate::text::{self, Lines};

pub const MAX_NAME: usize = 200;
pub const MAX_EMAILS: usize = 20;
pub const MAX_EMAIL: usize = 254;

/// The name, trimmed, if it is acceptable.
pub fn name(raw: &str) -> Result<String, ClientError> {
    text::checked(raw, MAX_NAME, Lines::One)
        .map_err(|fault| fault.into_error(NameMissing, NameTooLong, NameHasHiddenCharacters))
}

/// The address trimmed and in lower case, if it looks deliverable:
/// `local@domain` with a non-empty local part without spaces, and a domain
/// of at least two dot-separated labels of letters, digits and inner hyphens.
pub fn normalise(raw: &str) -> Result<String, ClientError> {
    let email = raw.trim().to_lowercase();
    let invalid = || ClientError::InvalidEmail(raw.trim().to_owned());
    let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"@<>()[],;:\\\"".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if local_ok && domain_ok && email.len() <= MAX_EMAIL {
        Ok(email)
    } else {
        Err(invalid())
    }
}

/// Every address normalised, duplicates dropped, first occurrence kept.
pub fn normalise_all(raw: &[String]) -> Result<Vec<String>, ClientError> {
    let mut emails: Vec<String> = Vec::with_capacity(raw.len());
    for email in raw {
        let email = normalise(email)?;
        if !emails.contains(&email) {
            emails.push(email);
        }
    }
    if emails.len() > MAX_EMAILS {
        return Err(ClientError::TooManyEmails);
    }
    Ok(emails)
}
