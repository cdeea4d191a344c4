//! Free meeting slots from the read models (the team's schedule and the
//! diary's Scheduled appointments), through the domain's one slot rule.

use crate::app::AppState;
use crate::http::ApiError;
use crate::routes::bodies::instant;
use crate::routes::staff::{self, WorkingHoursBody};
use cma_domain::ids::TeamId;
use cma_domain::schedule::{BOOKING_HORIZON_DAYS, Schedule, Slot, free_slots};
use cma_projections::queries;

/// The free slots of `team` at the clock's now.
pub(super) async fn free_slots_now(state: &AppState, team: TeamId) -> Result<Vec<Slot>, ApiError> {
    let now = state.clock.now();
    let settings = queries::team::settings(&state.read, team)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let schedule = schedule(
        &settings.time_zone,
        &settings.working_hours,
        settings.slot_minutes,
    )?;
    let horizon = now.plus_seconds((BOOKING_HORIZON_DAYS + 1) * 24 * 3600);
    let diary = queries::diary::list(&state.read, team, now, horizon).await?;
    let busy = diary
        .appointments
        .iter()
        .filter(|a| a.status == "scheduled")
        .map(|a| {
            Ok(Slot {
                starts_at: instant("starts_at", &a.starts_at)?,
                ends_at: instant("ends_at", &a.ends_at)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()
        .map_err(|e| ApiError::internal(e.detail))?;
    Ok(free_slots(&schedule, &busy, now))
}

/// The schedule as the team read model holds it.
fn schedule(
    time_zone: &str,
    working_hours: &serde_json::Value,
    slot_minutes: i64,
) -> Result<Schedule, ApiError> {
    let days: WorkingHoursBody =
        serde_json::from_value(working_hours.clone()).map_err(ApiError::internal)?;
    let hours = staff::working_hours(&days).map_err(ApiError::internal)?;
    let slot_minutes = u32::try_from(slot_minutes).map_err(ApiError::internal)?;
    Schedule::new(time_zone, hours, slot_minutes).map_err(ApiError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_read_model_schedule_round_trips() {
        let hours = serde_json::json!({"mon": [["09:00", "12:00"], ["13:00", "17:00"]], "sat": []});
        let read = schedule("Europe/London", &hours, 30).expect("valid schedule");
        assert_eq!(read.slot_minutes, 30);
        assert_eq!(read.working_hours.to_entries()[0].1.len(), 2);
    }
}
