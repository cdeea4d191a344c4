//! Staff login and who is logged in (staff).

use crate::app::AppState;
use crate::http::{ApiError, Json, Requester, StaffSession, found};
use crate::identity::tokens::csrf_token;
use crate::identity::{Kind, Principal};
use crate::routes::bodies::LoginRequest;
use crate::routes::responses::LoginRefusals;
use crate::routes::sessions::{logged_in, login, open_session};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use cma_projections::queries::team::StaffIdentity;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(staff_login))
        .routes(routes!(me))
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
        (status = 415, description = "not JSON"),
        LoginRefusals,
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
    Ok(logged_in(&state, &token, device, Json(body)))
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
    found(
        cma_projections::queries::team::staff_identity(&state.read, staff.team, staff.staff)
            .await?,
    )
}
