//! Checking an email and password against the write side: the login index
//! names the credentials streams, which hold the password hashes.

use super::principal::{Kind, Principal};
use super::{login_index, passwords};
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
    let candidates = login_index::find(state.records.reads(), kind, email).await?;
    if candidates.is_empty() {
        passwords::verify(password.to_owned(), None).await?;
        return Ok(None);
    }
    for principal in candidates {
        let credentials = state
            .service
            .load::<Credentials>(principal.id())
            .await?
            .state;
        // Without a password yet (invited, not set): argon2 runs all the
        // same, against a hash no password matches, so the answer takes as
        // long as for any other address.
        let stored = credentials.password_hash.clone();
        if passwords::verify(password.to_owned(), stored).await? {
            return Ok(Some(principal));
        }
    }
    Ok(None)
}
