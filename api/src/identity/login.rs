//! Checking an email and password against the write side: the login index
//! names the credentials streams, which hold the password hashes.

use super::principal::{Kind, Principal};
use super::{logins, passwords};
use crate::app::AppState;
use crate::http::ApiError;
use cma_domain::credentials::Credentials;

/// The login of this kind at `email` whose password is `password`, if any.
pub async fn check_password(
    state: &AppState,
    kind: Kind,
    email: &str,
    password: &str,
) -> Result<Option<Principal>, ApiError> {
    let candidates = logins::find(state.read.pool(), kind, email).await?;
    if candidates.is_empty() {
        passwords::verify(password.to_owned(), None).await?;
        return Ok(None);
    }
    for principal in candidates {
        let credentials = state
            .service
            .load::<Credentials>(principal.id())
            .await
            .map_err(ApiError::from)?
            .state;
        let stored = credentials.password_hash.clone();
        if stored.is_some() && passwords::verify(password.to_owned(), stored).await? {
            return Ok(Some(principal));
        }
    }
    Ok(None)
}
