//! Client portal identity: set a password from the invite link, log in,
//! and reset a forgotten password.

use crate::app::AppState;
use crate::http::{ApiError, Json, Requester};
use crate::identity::links::set_password as use_link;
use crate::identity::rate_limit::{Action, Limiter, RESET_LINKS_PER_ADDRESS, check_email_length};
use crate::identity::tokens::csrf_token;
use crate::identity::{Kind, Principal, login_index};
use crate::routes::bodies::LoginRequest;
use crate::routes::bodies::Positioned;
use crate::routes::responses::{LinkRefusals, LoginRefusals};
use crate::routes::sessions::{logged_in, login, open_session, with_session_cookies};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use cma_domain::client::{Client, ClientCommand};
use cma_domain::credentials::{
    Credentials, CredentialsCommand, Principal as Login, TokenPurpose, link_token, token_sha256,
};
use cma_domain::ids::ClientId;
use cma_store::{Actor, Executed};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set_password))
        .routes(routes!(portal_login))
        .routes(routes!(reset_request))
        .routes(routes!(reset))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LinkPasswordRequest {
    /// The token from the invite or reset link.
    pub token: String,
    pub password: String,
}

impl LinkPasswordRequest {
    /// Sets the password from the link, which must be one for `purpose`.
    async fn set(
        &self,
        state: &AppState,
        requester: &Requester,
        purpose: TokenPurpose,
    ) -> Result<Executed<Credentials>, ApiError> {
        use_link(state, requester, purpose, &self.token, &self.password).await
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SetPasswordResponse {
    pub token: String,
    pub csrf_token: String,
    pub client_id: Uuid,
    pub position: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PortalLoginResponse {
    pub token: String,
    pub csrf_token: String,
    pub client_id: Uuid,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetRequest {
    pub email: String,
}

fn suspended() -> ApiError {
    ApiError::new(
        crate::http::problem_types::PORTAL_SUSPENDED,
        "this portal is suspended; contact the business",
    )
}

/// Set the first password from the invite link, and log in.
#[utoipa::path(post, path = "/api/v1/auth/portal/set-password", tag = "portal", security(()),
    request_body = LinkPasswordRequest,
    responses(
        (status = 200, body = SetPasswordResponse, description = "password set and logged in"),
        (status = 403, description = "the portal is suspended"),
        LinkRefusals,
    ))]
async fn set_password(
    State(state): State<AppState>,
    requester: Requester,
    Json(body): Json<LinkPasswordRequest>,
) -> Result<Response, ApiError> {
    let set = body.set(&state, &requester, TokenPurpose::Invite).await?;
    let Some(Login::Client(client)) = set.state.principal else {
        return Err(ApiError::invalid_link());
    };
    let activated = state
        .service
        .execute::<Client>(
            client.0,
            &requester.context(Actor::Client(client.0), &state),
            ClientCommand::Activate,
        )
        .await?;
    if !activated.state.enabled {
        return Err(suspended());
    }
    let principal = Principal::Client {
        client,
        team: activated.state.team,
    };
    let (_, token) = open_session(&state, principal, &set.state.email).await?;
    let body = SetPasswordResponse {
        csrf_token: csrf_token(&token),
        token: token.clone(),
        client_id: client.0,
        position: activated.position.max(set.position),
    };
    Ok(with_session_cookies(&state, &token, Json(body)))
}

/// Log in to the portal.
#[utoipa::path(post, path = "/api/v1/auth/portal/login", tag = "portal", security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, body = PortalLoginResponse, description = "logged in; sets the cma_session, cma_csrf and cma_device cookies"),
        (status = 403, description = "the portal is suspended"),
        LoginRefusals,
    ))]
async fn portal_login(
    State(state): State<AppState>,
    requester: Requester,
    headers: HeaderMap,
    Json(body): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let (principal, device) = login(&state, &requester, &headers, Kind::Client, &body).await?;
    let client = ClientId(principal.id());
    let record = state.service.load::<Client>(client.0).await?.state;
    if !record.enabled {
        return Err(suspended());
    }
    let (_, token) = open_session(&state, principal, &body.email).await?;
    let body = PortalLoginResponse {
        csrf_token: csrf_token(&token),
        token: token.clone(),
        client_id: client.0,
    };
    Ok(logged_in(&state, &token, device, Json(body)))
}

/// Ask for a password reset link by email. The answer is the same whether
/// or not the address has a login; the worker emails the link. At most
/// [`RESET_LINKS_PER_ADDRESS`] requests per address in the rate-limit
/// window issue a link; later ones answer the same and issue nothing, so
/// the latest link emailed stays the one that works.
#[utoipa::path(post, path = "/api/v1/auth/portal/reset-request", tag = "portal", security(()),
    request_body = ResetRequest,
    responses(
        (status = 202, description = "a link is emailed if the address has a portal login (and has not had its share of links in the last 15 minutes)"),
        (status = 400, description = "malformed request"),
        (status = 429, description = "too many requests from this IP address"),
    ))]
async fn reset_request(
    State(state): State<AppState>,
    requester: Requester,
    Json(body): Json<ResetRequest>,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now();
    check_email_length(&body.email)?;
    Limiter::per_ip(Action::ResetRequest, requester.ip.as_deref())
        .reserve(&state.records, now)
        .await?;
    let links = Limiter::per_account(Action::ResetRequest, &body.email, RESET_LINKS_PER_ADDRESS);
    if !links.try_reserve(&state.records, now).await? {
        return Ok(StatusCode::ACCEPTED);
    }
    for principal in login_index::find(state.records.reads(), Kind::Client, &body.email).await? {
        let login = principal.id();
        let credentials = state.service.load::<Credentials>(login).await?.state;
        if !credentials.has_password() {
            continue;
        }
        let expires_at = now.plus_seconds(state.config.reset_link_seconds());
        let token = link_token(&state.secret_key, TokenPurpose::Reset, login, expires_at);
        state
            .service
            .execute::<Credentials>(
                login,
                &requester.context(Actor::Client(login), &state),
                CredentialsCommand::IssueReset {
                    token_sha256: token_sha256(&token),
                    expires_at: Some(expires_at),
                },
            )
            .await?;
    }
    Ok(StatusCode::ACCEPTED)
}

/// Set a new password from a reset link. Every session of the login ends.
#[utoipa::path(post, path = "/api/v1/auth/portal/reset", tag = "portal", security(()),
    request_body = LinkPasswordRequest,
    responses(
        (status = 200, body = Positioned, description = "password changed; log in with it"),
        LinkRefusals,
    ))]
async fn reset(
    State(state): State<AppState>,
    requester: Requester,
    Json(body): Json<LinkPasswordRequest>,
) -> Result<Json<Positioned>, ApiError> {
    let set = body.set(&state, &requester, TokenPurpose::Reset).await?;
    Ok(Positioned::at(set.position))
}
