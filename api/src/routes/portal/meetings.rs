//! Meetings in the client portal (docs/product.md §8.2–§8.4): book a free slot,
//! cancel up to 24 hours before it starts.

use super::section::{self, InSection};
use super::slots::free_slots_now;
use crate::app::AppState;
use crate::http::{ApiError, Json, Path};
use crate::routes::appointments;
use crate::routes::bodies::AppointmentCreated;
use crate::routes::bodies::Positioned;
use crate::routes::bodies::instant;
use axum::extract::State;
use axum::http::StatusCode;
use cma_domain::access::By;
use cma_domain::diary::DiaryCommand;
use cma_domain::ids::AppointmentId;
use cma_projections::queries;
use cma_projections::queries::diary::Meetings;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(book, list))
        .routes(routes!(slots))
        .routes(routes!(cancel))
}

/// Who calls these routes: a client with the meetings section on.
type Caller = InSection<section::Meetings>;

#[derive(Debug, Deserialize, ToSchema)]
pub struct Booking {
    /// RFC 3339; the start of a free slot.
    #[schema(format = DateTime)]
    pub starts_at: String,
}

#[utoipa::path(get, path = "/api/v1/portal/meetings", tag = "portal",
    responses((status = 200, description = "the client's meetings, by start", body = Meetings), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    session: Caller,
) -> Result<Json<Meetings>, ApiError> {
    let now = state.clock.now();
    Ok(Json(
        queries::diary::meetings(&state.read, session.team, session.client, now).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/portal/meetings/slots", tag = "portal",
    responses((status = 200, body = FreeSlots), (status = 403)))]
pub async fn slots(
    State(state): State<AppState>,
    session: Caller,
) -> Result<Json<FreeSlots>, ApiError> {
    let slots = free_slots_now(&state, session.team).await?;
    Ok(Json(FreeSlots {
        slots: slots
            .into_iter()
            .map(|s| FreeSlot {
                starts_at: s.starts_at.to_string(),
                ends_at: s.ends_at.to_string(),
            })
            .collect(),
    }))
}

/// Every free slot from now to 14 days ahead.
#[derive(Debug, Serialize, ToSchema)]
pub struct FreeSlots {
    pub slots: Vec<FreeSlot>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FreeSlot {
    #[schema(format = DateTime)]
    pub starts_at: String,
    #[schema(format = DateTime)]
    pub ends_at: String,
}

/// The team's schedule comes from the write side, so a booking is decided
/// against the hours in force at this moment.
#[utoipa::path(post, path = "/api/v1/portal/meetings", tag = "portal",
    request_body = Booking,
    responses((status = 201, body = AppointmentCreated), (status = 403), (status = 409), (status = 422)))]
pub async fn book(
    State(state): State<AppState>,
    session: Caller,
    Json(body): Json<Booking>,
) -> Result<(StatusCode, Json<AppointmentCreated>), ApiError> {
    let appointment = AppointmentId::new();
    let command = DiaryCommand::Book {
        appointment,
        portal: session.portal,
        starts_at: instant("starts_at", &body.starts_at)?,
        schedule: session.schedule.clone(),
    };
    appointments::add(&state, &session, session.team, appointment, command).await
}

#[utoipa::path(post, path = "/api/v1/portal/meetings/{id}/cancel", tag = "portal",
    params(("id" = uuid::Uuid, Path, description = "appointment id")),
    responses((status = 200, body = Positioned), (status = 403), (status = 404), (status = 422)))]
pub async fn cancel(
    State(state): State<AppState>,
    session: Caller,
    Path(appointment): Path<AppointmentId>,
) -> Result<Json<Positioned>, ApiError> {
    let by = By::Client(session.portal);
    appointments::cancel(&state, &session, session.team, appointment, by).await
}
