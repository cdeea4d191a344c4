//! Outbound email as staff see it (docs/product.md §9.2: failures visible to staff),
//! read from the worker's outbox table.

use crate::app::AppState;
use crate::http::{ApiError, Json, StaffSession};
use axum::extract::State;
use cma_workers::email::{EmailSummary, list_emails};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The most recent emails listed.
const MAX_LISTED: i64 = 500;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

/// `GET /emails`: the team's outbound email, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Emails {
    pub emails: Vec<EmailSummary>,
}

#[utoipa::path(get, path = "/api/v1/emails", tag = "emails",
    responses((status = 200, description = "the team's most recent emails, newest first", body = Emails), (status = 401), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Json<Emails>, ApiError> {
    let emails = list_emails(&state.read, session.team, MAX_LISTED).await?;
    Ok(Json(Emails { emails }))
}
