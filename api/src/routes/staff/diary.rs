//! The team diary, staff side (docs/product.md §8): add appointments, cancel any.

use super::team_client;
use crate::app::AppState;
use crate::http::{ApiError, Json, Path, Query, StaffSession};
use crate::routes::appointments;
use crate::routes::bodies::{AppointmentCreated, Positioned, instant};
use axum::extract::State;
use axum::http::StatusCode;
use cma_domain::access::By;
use cma_domain::diary::DiaryCommand;
use cma_domain::ids::{AppointmentId, ClientId};
use cma_projections::queries;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(add))
        .routes(routes!(cancel))
}

/// Defaults: from now, to 31 days after `from`; an empty value (docs/api.md's
/// `?from=&to=`) is the default too.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Range {
    /// RFC 3339; now when left out.
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// RFC 3339; 31 days after `from` when left out.
    #[param(format = DateTime)]
    pub to: Option<String>,
}

/// How far a diary listing reaches when `to` is not given.
const DEFAULT_SPAN_SECONDS: i64 = 31 * 24 * 3600;

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAppointment {
    #[serde(default)]
    #[schema(value_type = Option<uuid::Uuid>)]
    pub client_id: Option<ClientId>,
    #[schema(format = DateTime)]
    pub starts_at: String,
    #[schema(format = DateTime)]
    pub ends_at: String,
    #[serde(default)]
    pub title: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/diary", tag = "diary", params(Range),
    responses((status = 200, description = "the appointments overlapping [from, to), by start", body = queries::diary::Diary), (status = 400)))]
pub async fn list(
    State(state): State<AppState>,
    session: StaffSession,
    Query(range): Query<Range>,
) -> Result<Json<queries::diary::Diary>, ApiError> {
    let given = |value: &Option<String>| value.clone().filter(|text| !text.is_empty());
    let from = match given(&range.from) {
        Some(text) => instant("from", &text)?,
        None => state.clock.now(),
    };
    let to = match given(&range.to) {
        Some(text) => instant("to", &text)?,
        None => from.plus_seconds(DEFAULT_SPAN_SECONDS),
    };
    Ok(Json(
        queries::diary::list(&state.read, session.team, from, to).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/diary/appointments", tag = "diary",
    request_body = NewAppointment,
    responses((status = 201, body = AppointmentCreated), (status = 404), (status = 422)))]
pub async fn add(
    State(state): State<AppState>,
    session: StaffSession,
    Json(body): Json<NewAppointment>,
) -> Result<(StatusCode, Json<AppointmentCreated>), ApiError> {
    if let Some(client) = body.client_id {
        team_client(&state, session.team, client).await?;
    }
    let appointment = AppointmentId::new();
    let command = DiaryCommand::Add {
        appointment,
        staff: session.staff,
        client: body.client_id,
        title: body.title,
        starts_at: instant("starts_at", &body.starts_at)?,
        ends_at: instant("ends_at", &body.ends_at)?,
    };
    appointments::add(&state, &session, session.team, appointment, command).await
}

#[utoipa::path(post, path = "/api/v1/diary/appointments/{id}/cancel", tag = "diary",
    params(("id" = uuid::Uuid, Path, description = "appointment id")),
    responses((status = 200, body = Positioned), (status = 404), (status = 409)))]
pub async fn cancel(
    State(state): State<AppState>,
    session: StaffSession,
    Path(appointment): Path<AppointmentId>,
) -> Result<Json<Positioned>, ApiError> {
    let by = By::Staff(session.staff);
    appointments::cancel(&state, &session, session.team, appointment, by).await
}
