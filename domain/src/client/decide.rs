//! The rules of a client record and its portal access (docs/product.md §3).

use super::commands::ClientCommand;
use super::email;
use super::errors::ClientError;
use super::events::*;
use super::state::Client;
use crate::ids::TeamId;
use crate::time::Timestamp;

pub fn decide(
    state: &Client,
    command: ClientCommand,
    now: Timestamp,
) -> Result<Vec<ClientEvent>, ClientError> {
    use ClientCommand::*;
    let event = match command {
        Create {
            client,
            team,
            by,
            name,
            emails,
        } => {
            if state.exists {
                return Err(ClientError::ClientAlreadyExists);
            }
            ClientEvent::Created(ClientCreated {
                client,
                team,
                name: email::name(&name)?,
                emails: email::normalise_all(&emails)?,
                by,
                at: now,
            })
        }
        AddEmail { team, by, email } => {
            scope(state, team)?;
            let email = email::normalise(&email)?;
            if state.emails.contains(&email) {
                return Ok(vec![]);
            }
            if state.emails.len() >= email::MAX_EMAILS {
                return Err(ClientError::TooManyEmails);
            }
            ClientEvent::EmailAdded(ClientEmailAdded { email, by, at: now })
        }
        Invite {
            team,
            by,
            email,
            sections,
        } => {
            scope(state, team)?;
            if state.emails.is_empty() {
                return Err(ClientError::NoSavedEmail);
            }
            let wanted = email.trim().to_lowercase();
            if !state.emails.contains(&wanted) {
                return Err(ClientError::EmailNotSaved(email.trim().to_owned()));
            }
            ClientEvent::PortalInvited(ClientPortalInvited {
                email: wanted,
                sections,
                by,
                at: now,
            })
        }
        Activate => {
            if !state.exists {
                return Err(ClientError::ClientNotFound);
            }
            if state.invite.is_none() {
                return Err(ClientError::NotInvited);
            }
            if state.activated {
                return Ok(vec![]);
            }
            ClientEvent::PortalActivated(ClientPortalActivated { at: now })
        }
        ChangeAccess {
            team,
            by,
            enabled,
            sections,
        } => {
            scope(state, team)?;
            let enabled = enabled.unwrap_or(state.enabled);
            let sections = sections.unwrap_or(state.sections);
            if enabled == state.enabled && sections == state.sections {
                return Ok(vec![]);
            }
            ClientEvent::AccessChanged(ClientAccessChanged {
                enabled,
                sections,
                by,
                at: now,
            })
        }
        ChangeEmailNotifications { client, on } => {
            if !state.exists || state.id != client {
                return Err(ClientError::ClientNotFound);
            }
            if state.invite.is_none() {
                return Err(ClientError::NotInvited);
            }
            if !state.enabled {
                return Err(ClientError::PortalSuspended);
            }
            if state.email_notifications == on {
                return Ok(vec![]);
            }
            ClientEvent::EmailNotificationsChanged(ClientEmailNotificationsChanged {
                on,
                by: client,
                at: now,
            })
        }
    };
    Ok(vec![event])
}

/// Staff act only on their own team's clients.
fn scope(state: &Client, team: TeamId) -> Result<(), ClientError> {
    if state.exists && state.team == team {
        Ok(())
    } else {
        Err(ClientError::ClientNotFound)
    }
}
