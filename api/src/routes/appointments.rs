//! The team diary for staff and portal routes alike: an appointment added
//! (staff) or booked (a client), and one cancelled.

use super::bodies::{AppointmentCreated, Positioned, positioned};
use crate::app::AppState;
use crate::http::{ApiError, Json, SendsCommands};
use axum::http::StatusCode;
use cma_domain::access::By;
use cma_domain::diary::{Diary, DiaryCommand};
use cma_domain::ids::{AppointmentId, TeamId};

/// Records `command`, which adds `appointment` to `team`'s diary, for
/// `caller`: 201 with the new appointment.
pub(super) async fn add(
    state: &AppState,
    caller: &impl SendsCommands,
    team: TeamId,
    appointment: AppointmentId,
    command: DiaryCommand,
) -> Result<(StatusCode, Json<AppointmentCreated>), ApiError> {
    let ctx = caller.context(state);
    let executed = state
        .service
        .execute::<Diary>(team.0, &ctx, command)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AppointmentCreated {
            appointment_id: appointment,
            position: executed.position,
        }),
    ))
}

/// Cancels `appointment` in `team`'s diary for `caller`, who is `by`.
pub(super) async fn cancel(
    state: &AppState,
    caller: &impl SendsCommands,
    team: TeamId,
    appointment: AppointmentId,
    by: By,
) -> Result<Json<Positioned>, ApiError> {
    let command = DiaryCommand::Cancel { appointment, by };
    positioned::<Diary>(state, caller, team.0, command).await
}
