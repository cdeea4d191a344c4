//! The team diary, staff side (PRODUCT §8): add appointments, cancel any.

use super::scope::team_client;
use super::wire::{Positioned, id, instant};
use crate::app::AppState;
use crate::http::{ApiError, StaffSession};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use cma_domain::access::By;
use cma_domain::diary::{Diary, DiaryCommand};
use cma_domain::ids::{AppointmentId, ClientId};
use cma_store::Position;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/diary/appointments", post(add))
        .route("/api/v1/diary/appointments/{id}/cancel", post(cancel))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAppointment {
    #[serde(default)]
    #[schema(value_type = Option<uuid::Uuid>)]
    pub client_id: Option<ClientId>,
    /// RFC 3339.
    pub starts_at: String,
    /// RFC 3339.
    pub ends_at: String,
    #[serde(default)]
    pub title: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentCreated {
    #[schema(value_type = uuid::Uuid)]
    pub appointment_id: AppointmentId,
    pub position: Position,
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
    let executed = state
        .service
        .execute::<Diary>(session.team.0, &session.context(&state), command)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AppointmentCreated {
            appointment_id: appointment,
            position: executed.position,
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/diary/appointments/{id}/cancel", tag = "diary",
    params(("id" = uuid::Uuid, Path, description = "appointment id")),
    responses((status = 200, body = Positioned), (status = 404), (status = 409)))]
pub async fn cancel(
    State(state): State<AppState>,
    session: StaffSession,
    Path(appointment): Path<String>,
) -> Result<Json<Positioned>, ApiError> {
    let command = DiaryCommand::Cancel {
        appointment: id(&appointment)?,
        by: By::Staff(session.staff),
    };
    let executed = state
        .service
        .execute::<Diary>(session.team.0, &session.context(&state), command)
        .await?;
    Ok(Positioned::at(executed.position))
}
