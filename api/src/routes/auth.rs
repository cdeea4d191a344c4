//! Staff login, who is logged in (staff), logout (either role), and the
//! answer every login gives.

use crate::app::AppState;
use crate::http::session::LoggedIn;
use crate::http::{ApiError, Json, Requester, StaffSession, cookies};
use crate::identity::login::check_password;
use crate::identity::rate_limit::{Action, Limiter, check_email_length};
use crate::identity::tokens::{csrf_token, device_cookie, known_device, new_device_id};
use crate::identity::{Kind, Principal, sessions};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use cma_projections::queries::team::StaffIdentity;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(staff_login))
        .routes(routes!(logout))
        .routes(routes!(me))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffLoginResponse {
    /// Send as `Authorization: Bearer <token>` (or rely on the cookie).
    pub token: String,
    /// The value of the `cma_csrf` cookie, for the `X-CSRF-Token` header.
    pub csrf_token: String,
    pub staff_id: Uuid,
    pub team_id: Uuid,
}

/// Log in as staff.
#[utoipa::path(post, path = "/api/v1/auth/staff/login", tag = "auth", security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, body = StaffLoginResponse, description = "logged in; sets the cma_session, cma_csrf and cma_device cookies"),
        (status = 400, description = "malformed request"),
        (status = 401, description = "wrong email or password"),
        (status = 415, description = "not JSON"),
        (status = 429, description = "too many failed attempts"),
    ))]
async fn staff_login(
    State(state): State<AppState>,
    requester: Requester,
    headers: HeaderMap,
    Json(body): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let (principal, device) = login(&state, &requester, &headers, Kind::Staff, &body).await?;
    let (session, token) = open_session(&state, principal, &body.email).await?;
    let Principal::Staff { staff, team } = session.principal else {
        return Err(ApiError::internal("a staff login opened a client session"));
    };
    let body = StaffLoginResponse {
        csrf_token: csrf_token(&token),
        token: token.clone(),
        staff_id: staff.0,
        team_id: team.0,
    };
    let mut response = with_session_cookies(&state, &token, Json(body));
    cookies::known_device(response.headers_mut(), device, state.config.is_https());
    Ok(response)
}

/// Checks the password under the rate limits; 401 (counted) when wrong.
/// A request presenting a valid known-device cookie for the account is
/// counted against that device instead of the account. On success, the
/// value of the known-device cookie to set (the same device when it was
/// already known, a new one otherwise).
pub async fn login(
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
    limiter.reserve(&state.read, now).await?;
    match check_password(state, kind, &body.email, &body.password).await? {
        Some(principal) => {
            limiter.release(&state.read, now).await?;
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
pub async fn open_session(
    state: &AppState,
    principal: Principal,
    login_email: &str,
) -> Result<(sessions::Session, String), ApiError> {
    Ok(sessions::open(state.read.pool(), principal, login_email, state.clock.now()).await?)
}

/// `body` with the cookies that carry session `token` in a browser.
pub fn with_session_cookies(state: &AppState, token: &str, body: impl IntoResponse) -> Response {
    let mut headers = HeaderMap::new();
    cookies::login(&mut headers, token, state.config.is_https());
    (headers, body).into_response()
}

/// Log out: ends the session the request presents (staff or client).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses(
        (status = 204, description = "logged out; clears the cookies"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "cookie request without X-CSRF-Token"),
    ))]
async fn logout(State(state): State<AppState>, logged_in: LoggedIn) -> Result<Response, ApiError> {
    sessions::revoke(state.read.pool(), &logged_in.token, state.clock.now()).await?;
    let mut headers = HeaderMap::new();
    cookies::logout(&mut headers, state.config.is_https());
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

/// The logged-in staff member and their business (a page's header).
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    responses(
        (status = 200, body = StaffIdentity),
        (status = 401, description = "not logged in"),
        (status = 403, description = "a client session"),
    ))]
async fn me(
    State(state): State<AppState>,
    staff: StaffSession,
) -> Result<Json<StaffIdentity>, ApiError> {
    cma_projections::queries::team::staff_identity(&state.read, staff.team, staff.staff)
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}
