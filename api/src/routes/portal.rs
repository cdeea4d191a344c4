//! The client's own portal page (PRODUCT §3.5): who they are, the business,
//! its branding and the sections that are on.

use crate::app::AppState;
use crate::http::{ApiError, ClientSession, Json};
use axum::extract::State;
use cma_projections::queries;
use cma_projections::queries::clients::Me;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}

#[utoipa::path(get, path = "/api/v1/portal/me", tag = "portal",
    responses((status = 200, body = Me), (status = 401)))]
pub async fn me(
    State(state): State<AppState>,
    session: ClientSession,
) -> Result<Json<Me>, ApiError> {
    queries::clients::me(&state.read, session.team, session.client)
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}
