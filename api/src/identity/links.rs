//! Using an invite or reset link: single-use, expiring, and limited per
//! source rather than per account.
//!
//! A bad token (malformed, unknown, used, expired, or of the other purpose)
//! is counted against the IP address it came from, never against the login
//! it names: a stranger's failures cannot lock the owner out, and the
//! owner's valid link works however many bad ones were tried against the
//! same login. A valid link is checked before anything is counted.

use super::passwords;
use super::rate_limit::{Action, Limiter};
use crate::app::AppState;
use crate::http::{ApiError, Requester};
use cma_domain::Timestamp;
use cma_domain::credentials::{
    Credentials, CredentialsCommand, CredentialsError, Principal, TokenPurpose, login_of,
    token_sha256,
};
use cma_store::{Actor, Executed, ServiceError};

/// Sets `password` on the login `token` names, using up the link, and ends
/// every session of that login (other devices are logged out; a session
/// the caller opens afterwards is unaffected). Every unknown, used, expired
/// or malformed token answers the same 400 (429 once its IP address is
/// over the limit).
pub async fn set_password(
    state: &AppState,
    requester: &Requester,
    purpose: TokenPurpose,
    token: &str,
    password: &str,
) -> Result<Executed<Credentials>, ApiError> {
    let action = match purpose {
        TokenPurpose::Invite => Action::SetPassword,
        TokenPurpose::Reset => Action::Reset,
    };
    let bad_tokens = Limiter::per_ip(action, requester.ip.as_deref());
    let now = state.clock.now();
    let Some(login) = login_of(token) else {
        return Err(bad_link(state, &bad_tokens, now).await);
    };
    let token_sha256 = token_sha256(token);
    let credentials = state.service.load::<Credentials>(login).await?.state;
    if !credentials.accepts_link(purpose, &token_sha256, now) {
        return Err(bad_link(state, &bad_tokens, now).await);
    }
    passwords::check_policy(password)?;
    let password_hash = passwords::hash(password.to_owned()).await?;
    // Links are only ever issued for portal logins.
    let actor = Actor::Client(login);
    let command = CredentialsCommand::SetPassword {
        purpose,
        token_sha256,
        password_hash,
    };
    let set = match state
        .service
        .execute::<Credentials>(login, &requester.context(actor, state), command)
        .await
    {
        // Used or replaced since it was checked.
        Err(ServiceError::Refused(CredentialsError::InvalidToken)) => {
            return Err(bad_link(state, &bad_tokens, now).await);
        }
        other => other.map_err(ApiError::from)?,
    };
    if let Some(Principal::Client(client)) = set.state.principal {
        state
            .sessions
            .revoke_client(client, state.clock.now())
            .await?;
    }
    Ok(set)
}

/// Counts a bad token against its source: 400, or 429 over the limit.
async fn bad_link(state: &AppState, bad_tokens: &Limiter, now: Timestamp) -> ApiError {
    match bad_tokens.reserve(&state.records, now).await {
        Ok(()) => ApiError::invalid_link(),
        Err(refused) => refused,
    }
}
