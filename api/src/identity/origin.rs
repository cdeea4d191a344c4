//! Where a portal login's credentials came from: the invites whose links
//! set its password, each named by the event id of its
//! `CredentialsInviteIssued` (the domain state knows no event ids, so the
//! stream is read here).

use cma_domain::Aggregate;
use cma_domain::credentials::{Credentials, CredentialsError, CredentialsEvent, TokenPurpose};
use cma_store::{Service, ServiceError};
use uuid::Uuid;

/// One use of an invite link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InviteUsed {
    /// The event id of the invite.
    pub invite: Uuid,
    /// The address that had the password before, when the invite re-pointed
    /// the login to another address.
    pub repointed_from: Option<String>,
}

/// Every invite link used on login `login`, oldest first. The last one
/// created the credentials in use (a later reset changes the password of
/// the login that invite created).
pub async fn invites_used(
    service: &Service,
    login: Uuid,
) -> Result<Vec<InviteUsed>, ServiceError<CredentialsError>> {
    let recorded = service
        .store()
        .read_stream(&Service::stream::<Credentials>(login))
        .await?;
    let mut state = Credentials::default();
    let mut issued = None;
    let mut used = Vec::new();
    for r in &recorded {
        let event = r.decode::<CredentialsEvent>()?;
        match &event {
            CredentialsEvent::InviteIssued(_) => issued = Some(r.event.event_id),
            CredentialsEvent::PasswordSet(set) if set.purpose == TokenPurpose::Invite => {
                used.extend(issued.map(|invite| InviteUsed {
                    invite,
                    repointed_from: state.repointed_from().map(str::to_owned),
                }));
            }
            _ => {}
        }
        state = state.evolve(&event);
    }
    Ok(used)
}
