//! `GET /team/settings`, the staff list.

use crate::db::ReadDb;
use crate::error::ProjectionError;
use cma_domain::ids::TeamId;
use serde::Serialize;
use utoipa::ToSchema;

/// `GET /team/settings`.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct TeamSettings {
    pub business_name: String,
    /// IANA time zone name.
    #[schema(example = "Europe/London")]
    pub time_zone: String,
    /// Local working intervals per weekday: `{"mon": [["09:00","17:00"]], ..., "sun": []}`.
    #[schema(value_type = BTreeMap<String, Vec<Vec<String>>>)]
    pub working_hours: serde_json::Value,
    /// Length of a bookable meeting slot.
    pub slot_minutes: i64,
    pub invite_email: InviteEmail,
    pub branding: Branding,
}

/// The invite email template; placeholders `{{client_name}}`,
/// `{{business_name}}`, `{{portal_link}}`, `{{staff_name}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct InviteEmail {
    pub subject: String,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow, ToSchema)]
pub struct Branding {
    /// `#rrggbb`.
    #[schema(required = true)]
    pub accent_colour: Option<String>,
    /// The file shown as the portal's logo.
    #[schema(format = Uuid, required = true)]
    pub logo: Option<String>,
    #[schema(required = true)]
    pub tagline: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    business_name: String,
    time_zone: String,
    slot_minutes: i64,
    working_hours: String,
    invite_subject: String,
    invite_body: String,
    #[sqlx(flatten)]
    branding: Branding,
}

pub async fn settings(db: &ReadDb, team: TeamId) -> Result<Option<TeamSettings>, ProjectionError> {
    let row: Option<SettingsRow> = sqlx::query_as(
        "SELECT business_name, time_zone, slot_minutes, working_hours, invite_subject, \
         invite_body, accent_colour, logo, tagline FROM team_settings WHERE team_id = $1",
    )
    .bind(team.to_string())
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        Ok(TeamSettings {
            working_hours: serde_json::from_str(&r.working_hours)
                .map_err(|_| ProjectionError::corrupt("working hours", &r.working_hours))?,
            business_name: r.business_name,
            time_zone: r.time_zone,
            slot_minutes: r.slot_minutes,
            invite_email: InviteEmail {
                subject: r.invite_subject,
                body: r.invite_body,
            },
            branding: r.branding,
        })
    })
    .transpose()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StaffMember {
    pub staff_id: String,
    pub name: String,
    pub email: String,
}

/// The team's staff, by name.
pub async fn staff(db: &ReadDb, team: TeamId) -> Result<Vec<StaffMember>, ProjectionError> {
    Ok(sqlx::query_as(
        "SELECT staff_id, name, email FROM team_staff WHERE team_id = $1 ORDER BY name, staff_id",
    )
    .bind(team.to_string())
    .fetch_all(db.pool())
    .await?)
}
