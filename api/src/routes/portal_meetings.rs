//! Meetings in the client portal (PRODUCT §8.2–§8.4): book a free slot,
//! cancel up to 24 hours before it starts.

use super::diary::AppointmentCreated;
use super::scope::{section, team_schedule};
use super::wire::{Positioned, id, instant};
use crate::app::AppState;
use crate::http::{ApiError, ClientSession};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use cma_domain::access::{By, Section};
use cma_domain::diary::{Diary, DiaryCommand};
use cma_domain::ids::AppointmentId;
use serde::Deserialize;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/portal/meetings", post(book))
        .route("/api/v1/portal/meetings/{id}/cancel", post(cancel))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Booking {
    /// RFC 3339; the start of a free slot.
    pub starts_at: String,
}

/// The team's schedule comes from the write side, so a booking is decided
/// against the hours in force at this moment.
#[utoipa::path(post, path = "/api/v1/portal/meetings", tag = "portal",
    request_body = Booking,
    responses((status = 201, body = AppointmentCreated), (status = 403), (status = 409), (status = 422)))]
pub async fn book(
    State(state): State<AppState>,
    session: ClientSession,
    Json(body): Json<Booking>,
) -> Result<(StatusCode, Json<AppointmentCreated>), ApiError> {
    section(&session, Section::Meetings)?;
    let appointment = AppointmentId::new();
    let command = DiaryCommand::Book {
        appointment,
        portal: session.portal,
        starts_at: instant("starts_at", &body.starts_at)?,
        schedule: team_schedule(&state, session.team).await?,
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

#[utoipa::path(post, path = "/api/v1/portal/meetings/{id}/cancel", tag = "portal",
    params(("id" = uuid::Uuid, Path, description = "appointment id")),
    responses((status = 200, body = Positioned), (status = 403), (status = 404), (status = 422)))]
pub async fn cancel(
    State(state): State<AppState>,
    session: ClientSession,
    Path(appointment): Path<String>,
) -> Result<Json<Positioned>, ApiError> {
    section(&session, Section::Meetings)?;
    let command = DiaryCommand::Cancel {
        appointment: id(&appointment)?,
        by: By::Client(session.portal),
    };
    let executed = state
        .service
        .execute::<Diary>(session.team.0, &session.context(&state), command)
        .await?;
    Ok(Positioned::at(executed.position))
}
