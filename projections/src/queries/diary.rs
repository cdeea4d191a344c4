//! `GET /diary` (staff) and `GET /portal/meetings` (the client's own, with
//! `can_cancel` from the domain rule at `now`).

use crate::convert::{micros, rfc3339};
use crate::db::ReadDb;
use crate::error::ProjectionError;
use crate::table::Record;
use crate::views::diary::AppointmentRow;
use cma_domain::Timestamp;
use cma_domain::diary::can_cancel;
use cma_domain::ids::{ClientId, TeamId};
use serde::Serialize;
use utoipa::ToSchema;

/// `GET /diary`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Diary {
    pub appointments: Vec<DiaryEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct DiaryEntry {
    #[schema(format = Uuid)]
    pub appointment_id: String,
    /// Absent for an appointment with no client.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Uuid)]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[schema(format = DateTime)]
    pub starts_at: String,
    #[schema(format = DateTime)]
    pub ends_at: String,
    /// `scheduled`, `cancelled` or `completed`.
    pub status: String,
    /// `client` or `staff`.
    pub booked_by: String,
}

/// `GET /portal/meetings`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Meetings {
    pub meetings: Vec<Meeting>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Meeting {
    #[schema(format = Uuid)]
    pub appointment_id: String,
    #[schema(format = DateTime)]
    pub starts_at: String,
    #[schema(format = DateTime)]
    pub ends_at: String,
    /// `scheduled`, `cancelled` or `completed`.
    pub status: String,
    /// False from 24 hours before the start on, and for a meeting no longer scheduled.
    pub can_cancel: bool,
}

/// The team's appointments overlapping `[from, to)`, by start.
pub async fn list(
    db: &ReadDb,
    team: TeamId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Diary, ProjectionError> {
    let rows: Vec<AppointmentRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM appointments WHERE team_id = $1 AND ends_at > $2 \
         AND starts_at < $3 ORDER BY starts_at, appointment_id",
        AppointmentRow::TABLE.column_list()
    )))
    .bind(team.to_string())
    .bind(micros(from))
    .bind(micros(to))
    .fetch_all(db.pool())
    .await?;
    let appointments = rows
        .into_iter()
        .map(|r| {
            Ok(DiaryEntry {
                starts_at: rfc3339(r.starts_at)?,
                ends_at: rfc3339(r.ends_at)?,
                appointment_id: r.appointment_id,
                client_id: r.client_id,
                title: r.title,
                status: r.status,
                booked_by: r.booked_by,
            })
        })
        .collect::<Result<_, ProjectionError>>()?;
    Ok(Diary { appointments })
}

/// The client's appointments, by start, and whether each may still be cancelled.
pub async fn meetings(
    db: &ReadDb,
    team: TeamId,
    client: ClientId,
    now: Timestamp,
) -> Result<Meetings, ProjectionError> {
    let rows: Vec<AppointmentRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM appointments WHERE team_id = $1 AND client_id = $2 \
         ORDER BY starts_at, appointment_id",
        AppointmentRow::TABLE.column_list()
    )))
    .bind(team.to_string())
    .bind(client.to_string())
    .fetch_all(db.pool())
    .await?;
    let meetings = rows
        .into_iter()
        .map(|r| {
            let appointment = r.appointment()?;
            Ok(Meeting {
                can_cancel: can_cancel(&appointment, now),
                starts_at: rfc3339(r.starts_at)?,
                ends_at: rfc3339(r.ends_at)?,
                appointment_id: r.appointment_id,
                status: r.status,
            })
        })
        .collect::<Result<_, ProjectionError>>()?;
    Ok(Meetings { meetings })
}
