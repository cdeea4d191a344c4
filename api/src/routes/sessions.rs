//! Sessions for staff and clients alike: the password check every login
//! makes, opening the session and its cookies, and logging out.

use super::bodies::LoginRequest;
use crate::app::AppState;
use crate::http::session::LoggedIn;
use crate::http::{ApiError, Requester, cookies};
use crate::identity::password_check::check_password;
use crate::identity::rate_limit::{Action, Limiter, check_email_length};
use crate::identity::tokens::{device_cookie, known_device, new_device_id};
use crate::identity::{Kind, Principal, sessions};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(logout))
}

/// Checks the password under the rate limits; 401 (counted) when wrong.
/// A request presenting a valid known-device cookie for the account is
/// counted against that device instead of the account. On success, the
/// value of the known-device cookie to set (the same device when it was
/// already known, a new one otherwise).
pub(super) async fn login(
    state: &AppState,
    requester: &Requester,
    headers: &HeaderMap,
    kind: Kind,
    body: &LoginRequest,
) -> Result<(Principal, String), ApiError> {
    let action = match kind {
        Kind::Staff => Action::StaffLogin,
        Kind::Client => Action::PortalLogin,
    };
    check_email_length(&body.email)?;
    let known = cookies::get(headers, cookies::device_name(state.config.is_https()))
        .and_then(|value| known_device(&state.secret_key, kind, &body.email, &value));
    let ip = requester.ip.as_deref();
    let limiter = match &known {
        Some(device) => Limiter::from_known_device(action, device, ip),
        None => Limiter::new(action, &body.email, ip),
    };
    let now = state.clock.now();
    limiter.reserve(&state.records, now).await?;
    match check_password(state, kind, &body.email, &body.password).await? {
        Some(principal) => {
            limiter.release(&state.records, now).await?;
            let device = known.unwrap_or_else(new_device_id);
            let cookie = device_cookie(&state.secret_key, kind, &body.email, &device);
            Ok((principal, cookie))
        }
        None => Err(ApiError::new(
            crate::http::problem_types::WRONG_CREDENTIALS,
            "wrong email or password",
        )),
    }
}

/// Opens a session for `principal`, signed in with `login_email`.
pub(super) async fn open_session(
    state: &AppState,
    principal: Principal,
    login_email: &str,
) -> Result<(sessions::Session, String), ApiError> {
    Ok(state
        .sessions
        .open(principal, login_email, state.clock.now())
        .await?)
}

/// `body` with the cookies that carry session `token` in a browser.
pub(super) fn with_session_cookies(
    state: &AppState,
    token: &str,
    body: impl IntoResponse,
) -> Response {
    let mut headers = HeaderMap::new();
    cookies::login(&mut headers, token, state.config.is_https());
    (headers, body).into_response()
}

/// A login's answer: `body` with the cookies of session `token` and the
/// known-device cookie `device`.
pub(super) fn logged_in(
    state: &AppState,
    token: &str,
    device: String,
    body: impl IntoResponse,
) -> Response {
    let mut response = with_session_cookies(state, token, body);
    cookies::known_device(response.headers_mut(), device, state.config.is_https());
    response
}

/// Log out: ends the session the request presents (staff or client).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses(
        (status = 204, description = "logged out; clears the cookies"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "cookie request without X-CSRF-Token"),
    ))]
async fn logout(State(state): State<AppState>, logged_in: LoggedIn) -> Result<Response, ApiError> {
    state
        .sessions
        .revoke(&logged_in.token, state.clock.now())
        .await?;
    let mut headers = HeaderMap::new();
    cookies::logout(&mut headers, state.config.is_https());
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}
