//! Team settings (docs/product.md §3.3, §8.1): business name, schedule, invite
//! email template, branding and the contact address for replies.

use crate::app::AppState;
use crate::http::{ApiError, Json, StaffSession, found};
use crate::routes::bodies::Positioned;
use crate::routes::bodies::positioned;
use crate::routes::responses::StaffOnly;
use axum::extract::State;
use cma_domain::ids::FileId;
use cma_domain::schedule::{Schedule, ScheduleError, WorkingHours};
use cma_domain::team::{Branding, EmailTemplate, Team, TeamCommand};
use cma_projections::queries::team::TeamSettings;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(settings, change_settings))
}

/// `{"mon": [["09:00","17:00"]], ..., "sun": []}`: local working intervals per weekday.
pub type WorkingHoursBody = BTreeMap<String, Vec<[String; 2]>>;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InviteEmailBody {
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct BrandingBody {
    /// `#rrggbb`.
    pub accent_colour: Option<String>,
    /// Read-only: the current logo's id may be sent back as `GET` answers
    /// it (or left out); any other id is 422. The logo is changed with
    /// `PUT`/`DELETE /api/v1/team/logo`; `logo_url` is ignored here.
    pub logo: Option<Uuid>,
    pub tagline: Option<String>,
}

/// Any subset of the settings; fields left out keep their value.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SettingsChange {
    pub business_name: Option<String>,
    pub time_zone: Option<String>,
    #[schema(value_type = Option<BTreeMap<String, Vec<Vec<String>>>>)]
    pub working_hours: Option<WorkingHoursBody>,
    #[serde(default, deserialize_with = "crate::routes::bodies::whole_or_none")]
    pub slot_minutes: Option<u32>,
    pub invite_email: Option<InviteEmailBody>,
    pub branding: Option<BrandingBody>,
    /// The business's contact address: where clients' replies to its
    /// emails go. Must be an email address (422 otherwise).
    #[schema(example = "office@example.com")]
    pub contact_email: Option<String>,
}

/// Working hours as the API (and the team read model) write them, checked
/// by the schedule rules.
pub fn working_hours(body: &WorkingHoursBody) -> Result<WorkingHours, ScheduleError> {
    let entries = body.iter().flat_map(|(day, intervals)| {
        intervals
            .iter()
            .map(move |[start, end]| (day.as_str(), start.as_str(), end.as_str()))
    });
    WorkingHours::from_entries(entries)
}

/// The team's settings (read model).
#[utoipa::path(get, path = "/api/v1/team/settings", tag = "team",
    responses(
        (status = 200, body = TeamSettings),
        StaffOnly,
    ))]
async fn settings(
    State(state): State<AppState>,
    staff: StaffSession,
) -> Result<Json<TeamSettings>, ApiError> {
    found(cma_projections::queries::team::settings(&state.read, staff.team).await?)
}

/// Change team settings.
#[utoipa::path(put, path = "/api/v1/team/settings", tag = "team",
    request_body = SettingsChange,
    responses(
        (status = 200, body = Positioned),
        (status = 400, description = "malformed request"),
        StaffOnly,
        (status = 422, description = "a setting breaks a rule"),
    ))]
async fn change_settings(
    State(state): State<AppState>,
    staff: StaffSession,
    Json(change): Json<SettingsChange>,
) -> Result<Json<Positioned>, ApiError> {
    let schedule = match (
        &change.time_zone,
        &change.working_hours,
        change.slot_minutes,
    ) {
        (None, None, None) => None,
        (time_zone, hours, slot_minutes) => {
            let current = state
                .service
                .load::<Team>(staff.team.0)
                .await?
                .state
                .schedule;
            Some(Box::new(Schedule {
                time_zone: time_zone.clone().unwrap_or(current.time_zone),
                slot_minutes: slot_minutes.unwrap_or(current.slot_minutes),
                working_hours: match hours {
                    Some(h) => working_hours(h).map_err(|e| ApiError::refused(&e))?,
                    None => current.working_hours,
                },
            }))
        }
    };
    positioned::<Team>(
        &state,
        &staff,
        staff.team.0,
        TeamCommand::ChangeSettings {
            by: staff.staff,
            business_name: change.business_name,
            branding: change.branding.map(|b| Branding {
                accent_colour: b.accent_colour,
                logo: b.logo.map(FileId),
                tagline: b.tagline,
            }),
            schedule,
            invite_email: change.invite_email.map(|t| EmailTemplate {
                subject: t.subject,
                body: t.body,
            }),
            contact_email: change.contact_email,
        },
    )
    .await
}
