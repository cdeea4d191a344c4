//! Using an invite or reset link: rate-limited, single-use, expiring.

use super::passwords;
use super::rate_limit::{Action, Limiter};
use crate::app::AppState;
use crate::http::{ApiError, Requester};
use cma_domain::credentials::{
    Credentials, CredentialsCommand, CredentialsError, TokenPurpose, login_of, token_sha256,
};
use cma_store::{Actor, Executed, ServiceError};

/// Sets `password` on the login `token` names, using up the link. Every
/// unknown, used, expired or malformed token answers the same 400.
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
    let login = login_of(token);
    let account = login.map_or_else(|| "malformed".to_owned(), |l| l.to_string());
    let limiter = Limiter::new(action, &account, requester.ip.as_deref());
    let now = state.clock.now();
    limiter.reserve(&state.read, now).await?;
    if let Err(refused) = passwords::check_policy(password) {
        limiter.release(&state.read, now).await?;
        return Err(refused);
    }
    let Some(login) = login else {
        return Err(ApiError::invalid_link());
    };
    let password_hash = passwords::hash(password.to_owned()).await?;
    // Links are only ever issued for portal logins.
    let actor = Actor::Client(login);
    let command = CredentialsCommand::SetPassword {
        purpose,
        token_sha256: token_sha256(token),
        password_hash,
    };
    match state
        .service
        .execute::<Credentials>(login, &requester.context(actor, state), command)
        .await
    {
        Err(ServiceError::Refused(CredentialsError::InvalidToken)) => Err(ApiError::invalid_link()),
        Ok(set) => {
            limiter.release(&state.read, now).await?;
            Ok(set)
        }
        other => other.map_err(ApiError::from),
    }
}
