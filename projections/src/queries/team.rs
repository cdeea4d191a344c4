//! `GET /team/settings`, the team's logo, the staff list and who a staff member is.

use crate::db::ReadDb;
use crate::error::ProjectionError;
use cma_domain::ids::{StaffId, TeamId};
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
    /// The business's contact address: where clients' replies to its emails
    /// go, and the organiser of its calendar entries. The owner's email
    /// until staff set one.
    #[schema(example = "office@example.com")]
    pub contact_email: String,
}

/// The invite email template; placeholders `{{client_name}}`,
/// `{{business_name}}`, `{{portal_link}}`, `{{staff_name}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct InviteEmail {
    pub subject: String,
    pub body: String,
}

/// How the portal looks. With a logo, `logo` is its id and `logo_url`
/// where the reader fetches it; both are left out without one, as are an
/// accent colour and a tagline not set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow, ToSchema)]
pub struct Branding {
    /// `#rrggbb`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accent_colour: Option<String>,
    /// The current logo's id (changes with every new logo).
    #[schema(format = Uuid)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    /// The logo's address for this reader, relative, with the id as a
    /// cache-buster: `/api/v1/team/logo?v={logo}` for staff,
    /// `/api/v1/portal/logo?v={logo}` for clients.
    #[sqlx(skip)]
    #[schema(example = "/api/v1/portal/logo?v=0190f4c2-8c1e-7d3a-9b1e-2f4a5c6d7e8f")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tagline: Option<String>,
}

impl Branding {
    /// Sets `logo_url` to `path?v={logo}` when there is a logo.
    pub fn link_logo(mut self, path: &str) -> Self {
        self.logo_url = self.logo.as_ref().map(|id| format!("{path}?v={id}"));
        self
    }
}

/// Where staff fetch their team's logo.
pub const TEAM_LOGO_PATH: &str = "/api/v1/team/logo";

/// Where a team's logo bytes are and how to serve them.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct LogoContent {
    pub file_id: String,
    pub content_type: String,
    pub size: i64,
    pub storage_key: String,
}

/// The team's logo, if it has one.
pub async fn logo(db: &ReadDb, team: TeamId) -> Result<Option<LogoContent>, ProjectionError> {
    Ok(sqlx::query_as(
        "SELECT file_id, content_type, size, storage_key FROM team_logos WHERE team_id = $1",
    )
    .bind(team.to_string())
    .fetch_optional(db.pool())
    .await?)
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    business_name: String,
    time_zone: String,
    slot_minutes: i64,
    working_hours: String,
    invite_subject: String,
    invite_body: String,
    contact_email: Option<String>,
    #[sqlx(flatten)]
    branding: Branding,
}

pub async fn settings(db: &ReadDb, team: TeamId) -> Result<Option<TeamSettings>, ProjectionError> {
    let row: Option<SettingsRow> = sqlx::query_as(
        "SELECT s.business_name, s.time_zone, s.slot_minutes, s.working_hours, \
         s.invite_subject, s.invite_body, s.accent_colour, l.file_id AS logo, s.tagline, \
         c.contact_email \
         FROM team_settings s LEFT JOIN team_logos l ON l.team_id = s.team_id \
         LEFT JOIN team_contacts c ON c.team_id = s.team_id \
         WHERE s.team_id = $1",
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
            branding: r.branding.link_logo(TEAM_LOGO_PATH),
            contact_email: r.contact_email.unwrap_or_default(),
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

/// `GET /auth/me`: a staff member and their business.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow, ToSchema)]
pub struct StaffIdentity {
    #[schema(format = Uuid)]
    pub staff_id: String,
    #[schema(format = Uuid)]
    pub team_id: String,
    pub name: String,
    pub email: String,
    pub business_name: String,
}

/// Who `staff` of `team` is; `None` if they are not (yet) in the read model.
pub async fn staff_identity(
    db: &ReadDb,
    team: TeamId,
    staff: StaffId,
) -> Result<Option<StaffIdentity>, ProjectionError> {
    Ok(sqlx::query_as(
        "SELECT m.staff_id, m.team_id, m.name, m.email, s.business_name \
         FROM team_staff m JOIN team_settings s ON s.team_id = m.team_id \
         WHERE m.staff_id = $1 AND m.team_id = $2",
    )
    .bind(staff.to_string())
    .bind(team.to_string())
    .fetch_optional(db.pool())
    .await?)
}
