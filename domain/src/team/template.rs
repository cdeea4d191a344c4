//! The invite email template (docs/product.md §3.3): placeholders, checks, rendering.
//!
//! A placeholder is `{{name}}` (spaces inside the braces are allowed) with
//! one of the names in [`PLACEHOLDERS`]. Rendering is a single pass:
//! substituted values are never scanned for placeholders again.

use super::errors::TeamError;
use super::events::EmailTemplate;
use super::settings;
use crate::text::Lines;

/// The placeholders an invite template may use.
pub const PLACEHOLDERS: [&str; 4] = ["client_name", "business_name", "portal_link", "staff_name"];
const MAX_SUBJECT: usize = 200;
const MAX_BODY: usize = 10_000;

/// The values of the invite placeholders for one email.
#[derive(Debug, Clone, Copy)]
pub struct InviteValues<'a> {
    pub client_name: &'a str,
    pub business_name: &'a str,
    pub portal_link: &'a str,
    pub staff_name: &'a str,
}

impl InviteValues<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        match name {
            "client_name" => Some(self.client_name),
            "business_name" => Some(self.business_name),
            "portal_link" => Some(self.portal_link),
            "staff_name" => Some(self.staff_name),
            _ => None,
        }
    }
}

/// A rendered email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub body: String,
}

/// The template every team starts with.
pub fn default_invite() -> EmailTemplate {
    EmailTemplate {
        subject: "Your client portal with {{business_name}}".to_owned(),
        body: "Hello {{client_name}},\n\n\
               {{staff_name}} at {{business_name}} has set up a private portal for you, \
               where you can see your quotes, invoices, files and appointments and send \
               us messages.\n\n\
               Choose your password and sign in here:\n{{portal_link}}\n\n\
               The link works once and expires in 7 days.\n\n\
               {{staff_name}}\n{{business_name}}\n"
            .to_owned(),
    }
}

/// The template with a trimmed one-line subject, if every placeholder is
/// known and closed and the body links to the portal.
pub fn check(template: EmailTemplate) -> Result<EmailTemplate, TeamError> {
    let subject = template.subject.trim().to_owned();
    if subject.is_empty() {
        return Err(TeamError::SubjectMissing);
    }
    if subject.contains(['\r', '\n']) {
        return Err(TeamError::SubjectNotOneLine);
    }
    if subject.chars().count() > MAX_SUBJECT {
        return Err(TeamError::TooLong("subject"));
    }
    settings::one_line(&subject, "subject")?;
    if template.body.chars().count() > MAX_BODY {
        return Err(TeamError::TooLong("body"));
    }
    settings::checked(&template.body, Lines::Many, "body")?;
    placeholders(&subject)?;
    if !placeholders(&template.body)?.contains(&"portal_link") {
        return Err(TeamError::PortalLinkMissing);
    }
    Ok(EmailTemplate {
        subject,
        body: template.body,
    })
}

/// Fills a checked template. Line breaks in values become spaces in the subject.
pub fn render(template: &EmailTemplate, values: &InviteValues<'_>) -> RenderedEmail {
    RenderedEmail {
        subject: fill(&template.subject, values).replace(['\r', '\n'], " "),
        body: fill(&template.body, values),
    }
}

/// Replaces each known placeholder in `text`; anything else is kept as written.
pub fn fill(text: &str, values: &InviteValues<'_>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        match after.find("}}") {
            Some(close) => {
                match values.get(after[..close].trim()) {
                    Some(value) => out.push_str(value),
                    None => out.push_str(&rest[open..open + 2 + close + 2]),
                }
                rest = &after[close + 2..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholder names used in `text`, if all are known and closed.
fn placeholders(text: &str) -> Result<Vec<&'static str>, TeamError> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or(TeamError::UnclosedPlaceholder)?;
        let name = after[..close].trim();
        let known = PLACEHOLDERS
            .iter()
            .find(|p| **p == name)
            .ok_or_else(|| TeamError::UnknownPlaceholder(name.to_owned()))?;
        names.push(*known);
        rest = &after[close + 2..];
    }
    Ok(names)
}
