//! The rules of a quote (docs/product.md §4): each command's events or the rule it breaks.

use super::commands::{Acceptance, QuoteCommand};
use super::errors::QuoteError;
use super::events::*;
use super::rules;
use super::signature::check_png;
use super::state::Quote;
use crate::access::{By, ClientPortal, Section};
use crate::ids::TeamId;
use crate::sha256::sha256_hex;
use crate::time::Timestamp;
use jiff::tz::TimeZone;

pub fn decide(
    state: &Quote,
    command: QuoteCommand,
    now: Timestamp,
) -> Result<Vec<QuoteEvent>, QuoteError> {
    use QuoteCommand::*;
    let event = match command {
        Draft {
            quote,
            team,
            client,
            by,
            title,
            currency,
            expires_on,
            lines,
        } => {
            if state.exists {
                return Err(QuoteError::QuoteAlreadyExists);
            }
            QuoteEvent::Drafted(QuoteDrafted {
                quote,
                team,
                client,
                title: rules::title(&title)?,
                currency,
                expires_on,
                lines: rules::lines(lines)?,
                by,
                at: now,
            })
        }
        Edit {
            team,
            by,
            title,
            expires_on,
            lines,
        } => {
            staff_scope(state, team)?;
            ensure_editable(state)?;
            let title = match title {
                Some(t) => rules::title(&t)?,
                None => state.title.clone(),
            };
            let lines = match lines {
                Some(l) => rules::lines(l)?,
                None => state.lines.clone(),
            };
            let expires_on = expires_on.unwrap_or(state.expires_on);
            if title == state.title && lines == state.lines && expires_on == state.expires_on {
                return Ok(vec![]);
            }
            let revision = if state.sent {
                state.revision.saturating_add(1)
            } else {
                state.revision
            };
            QuoteEvent::Edited(QuoteEdited {
                revision,
                title,
                expires_on,
                lines,
                by,
                at: now,
            })
        }
        Send { team, by } => {
            staff_scope(state, team)?;
            ensure_editable(state)?;
            if state.sent {
                return Ok(vec![]);
            }
            QuoteEvent::Sent(QuoteSent { by, at: now })
        }
        Withdraw { team, by } => {
            staff_scope(state, team)?;
            if state.acceptance.is_some() {
                return Err(QuoteError::QuoteLocked);
            }
            if state.withdrawn {
                return Ok(vec![]);
            }
            QuoteEvent::Withdrawn(QuoteWithdrawn { by, at: now })
        }
        Expire { time_zone } => return expire(state, &time_zone, now),
        ToggleLine {
            team,
            by,
            line,
            selected,
            time_zone,
        } => {
            client_scope(state, team, &by)?;
            ensure_open(state, now, &time_zone, QuoteError::QuoteLocked)?;
            if !state.line(line)?.optional {
                return Err(QuoteError::LineNotOptional(line));
            }
            if state.is_selected(line) == selected {
                return Ok(vec![]);
            }
            QuoteEvent::LineToggled(QuoteLineToggled {
                line,
                selected,
                by: by.client,
                at: now,
            })
        }
        Comment {
            team,
            by,
            comment,
            line,
            text,
        } => {
            match &by {
                By::Staff(_) => staff_scope(state, team)?,
                By::Client(portal) => client_scope(state, team, portal)?,
            }
            if state.has_comment(comment) {
                return Ok(vec![]);
            }
            if state.acceptance.is_some() {
                return Err(QuoteError::QuoteLocked);
            }
            state.line(line)?;
            QuoteEvent::LineCommented(QuoteLineCommented {
                comment,
                line,
                text: rules::comment(&text)?,
                by: by.author(),
                at: now,
            })
        }
        Accept(acceptance) => QuoteEvent::Accepted(accept(state, *acceptance, now)?),
    };
    Ok(vec![event])
}

fn accept(state: &Quote, a: Acceptance, now: Timestamp) -> Result<QuoteAccepted, QuoteError> {
    client_scope(state, a.team, &a.by)?;
    ensure_open(state, now, &a.time_zone, QuoteError::AlreadyAccepted)?;
    if let Some(shown) = a.revision.filter(|shown| *shown != state.revision) {
        return Err(QuoteError::RevisionChanged {
            shown,
            current: state.revision,
        });
    }
    let name = rules::typed_name(&a.name)?;
    check_png(&a.signature_png)?;
    let content = state.content();
    Ok(QuoteAccepted {
        by: a.by.client,
        name,
        signature_sha256: sha256_hex(&a.signature_png),
        signature_png: a.signature_png,
        ip: a.ip.to_string(),
        user_agent: a.user_agent,
        session: a.session,
        revision: state.revision,
        currency: state.currency,
        selected_lines: state.selected_lines(),
        totals: content.totals(),
        content_sha256: content.sha256(),
        at: now,
        login_email: a.login_email,
        login_invite: a.login_invite,
    })
}

fn expire(
    state: &Quote,
    time_zone: &TimeZone,
    now: Timestamp,
) -> Result<Vec<QuoteEvent>, QuoteError> {
    if !state.exists {
        return Err(QuoteError::QuoteNotFound);
    }
    if !state.sent || state.acceptance.is_some() || state.withdrawn || state.expired {
        return Ok(vec![]);
    }
    let expires_on = state.expires_on.ok_or(QuoteError::NoExpiryDate)?;
    if !state.is_past_expiry(now, time_zone) {
        return Err(QuoteError::NotYetExpired);
    }
    Ok(vec![QuoteEvent::Expired(QuoteExpired {
        expires_on,
        at: now,
    })])
}

/// Staff act only on their own team's quotes.
fn staff_scope(state: &Quote, team: TeamId) -> Result<(), QuoteError> {
    if state.exists && state.team == team {
        Ok(())
    } else {
        Err(QuoteError::QuoteNotFound)
    }
}

/// A client acts only with Quotes on, on their own quotes once sent.
fn client_scope(state: &Quote, team: TeamId, portal: &ClientPortal) -> Result<(), QuoteError> {
    portal.require(Section::Quotes)?;
    if state.exists && state.team == team && state.client == portal.client && state.sent {
        Ok(())
    } else {
        Err(QuoteError::QuoteNotFound)
    }
}

/// Staff may change a quote until it is accepted or withdrawn.
fn ensure_editable(state: &Quote) -> Result<(), QuoteError> {
    if state.acceptance.is_some() {
        Err(QuoteError::QuoteLocked)
    } else if state.withdrawn {
        Err(QuoteError::QuoteWithdrawn)
    } else {
        Ok(())
    }
}

/// A client may act on a quote that is neither accepted (`accepted` is the
/// error to give), withdrawn nor past its expiry day.
fn ensure_open(
    state: &Quote,
    now: Timestamp,
    time_zone: &TimeZone,
    accepted: QuoteError,
) -> Result<(), QuoteError> {
    if state.acceptance.is_some() {
        Err(accepted)
    } else if state.withdrawn {
        Err(QuoteError::QuoteWithdrawn)
    } else if state.expired || state.is_past_expiry(now, time_zone) {
        Err(QuoteError::QuoteExpired)
    } else {
        Ok(())
    }
}
