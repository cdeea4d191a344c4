//! The team diary: every appointment with its status and who booked it.
//! The client's meetings read the same rows (`queries::diary`).

use crate::convert::{author, id, micros, parse_author, parse_id, timestamp};
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, decode, stream_id};
use crate::table::{select_where, table, upsert};
use crate::tx::Tx;
use async_trait::async_trait;
use cma_domain::access::Author;
use cma_domain::diary::{Appointment, AppointmentStatus, Diary, DiaryEvent};
use cma_domain::ids::{AppointmentId, TeamId};
use cma_store::Recorded;
use std::collections::{HashMap, HashSet};

pub struct DiaryView;

table! {
    /// An appointment with its status and who booked it.
    #[derive(sqlx::FromRow)]
    pub(crate) struct AppointmentRow in "appointments" key (appointment_id) {
        appointment_id: String,
        team_id: String,
        client_id: Option<String>,
        title: Option<String>,
        starts_at: i64,
        ends_at: i64,
        /// `scheduled`, `cancelled` or `completed`.
        status: String,
        /// `client` or `staff`.
        booked_by: String,
        booked_by_id: String,
        /// 0/1 (an integer, as queries read it too).
        window_closed: i64,
    }
}

fn parse_status(raw: &str) -> Result<AppointmentStatus, ProjectionError> {
    [
        AppointmentStatus::Scheduled,
        AppointmentStatus::Cancelled,
        AppointmentStatus::Completed,
    ]
    .into_iter()
    .find(|s| s.as_str() == raw)
    .ok_or_else(|| ProjectionError::corrupt("appointment status", raw))
}

impl AppointmentRow {
    /// The domain's appointment, for its rules (`can_cancel`).
    pub(crate) fn appointment(&self) -> Result<Appointment, ProjectionError> {
        Ok(Appointment {
            id: parse_id(&self.appointment_id)?,
            client: self.client_id.as_deref().map(parse_id).transpose()?,
            title: self.title.clone(),
            starts_at: timestamp(self.starts_at)?,
            ends_at: timestamp(self.ends_at)?,
            status: parse_status(&self.status)?,
            booked_by: parse_author(&self.booked_by, &self.booked_by_id)?,
            window_closed: self.window_closed != 0,
        })
    }

    fn new(team: TeamId, a: &Appointment) -> Self {
        let (booked_by, booked_by_id) = author(a.booked_by);
        Self {
            appointment_id: id(a.id.0),
            team_id: id(team.0),
            client_id: a.client.map(|c| id(c.0)),
            title: a.title.clone(),
            starts_at: micros(a.starts_at),
            ends_at: micros(a.ends_at),
            status: a.status.as_str().to_owned(),
            booked_by: booked_by.to_owned(),
            booked_by_id,
            window_closed: a.window_closed.into(),
        }
    }
}

fn scheduled(
    id: AppointmentId,
    client: Option<cma_domain::ids::ClientId>,
    title: Option<String>,
    slot: (cma_domain::Timestamp, cma_domain::Timestamp),
    booked_by: Author,
) -> Appointment {
    Appointment {
        id,
        client,
        title,
        starts_at: slot.0,
        ends_at: slot.1,
        status: AppointmentStatus::Scheduled,
        booked_by,
        window_closed: false,
    }
}

#[async_trait]
impl Projector for DiaryView {
    fn name(&self) -> &'static str {
        "diary"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["appointments"]
    }

    async fn apply(
        &self,
        tx: &mut dyn Tx,
        tables: &TableNames,
        events: &[Recorded],
    ) -> Result<(), ProjectionError> {
        let mut mine = Vec::new();
        let mut created = HashSet::new();
        let mut to_load = Vec::new();
        for recorded in events {
            let Some(event) = decode::<Diary>(recorded)? else {
                continue;
            };
            let team: TeamId = stream_id(recorded)?;
            match &event {
                DiaryEvent::Booked(e) => {
                    created.insert(e.appointment);
                }
                DiaryEvent::Added(e) => {
                    created.insert(e.appointment);
                }
                DiaryEvent::Cancelled(e) if !created.contains(&e.appointment) => {
                    to_load.push(id(e.appointment.0))
                }
                DiaryEvent::WindowClosed(e) if !created.contains(&e.appointment) => {
                    to_load.push(id(e.appointment.0))
                }
                DiaryEvent::Completed(e) if !created.contains(&e.appointment) => {
                    to_load.push(id(e.appointment.0))
                }
                _ => {}
            }
            mine.push((team, event));
        }
        if mine.is_empty() {
            return Ok(());
        }
        let mut appointments: HashMap<AppointmentId, (TeamId, Appointment)> = HashMap::new();
        for row in select_where::<AppointmentRow>(tx, tables, "appointment_id", to_load).await? {
            let a = row.appointment()?;
            appointments.insert(a.id, (parse_id(&row.team_id)?, a));
        }
        for (team, event) in mine {
            let (appointment, change): (AppointmentId, fn(&mut Appointment)) = match event {
                DiaryEvent::Booked(e) => {
                    let a = scheduled(
                        e.appointment,
                        Some(e.client),
                        None,
                        (e.starts_at, e.ends_at),
                        Author::Client(e.client),
                    );
                    appointments.insert(e.appointment, (team, a));
                    continue;
                }
                DiaryEvent::Added(e) => {
                    let a = scheduled(
                        e.appointment,
                        e.client,
                        e.title,
                        (e.starts_at, e.ends_at),
                        Author::Staff(e.by),
                    );
                    appointments.insert(e.appointment, (team, a));
                    continue;
                }
                DiaryEvent::Cancelled(e) => {
                    (e.appointment, |a| a.status = AppointmentStatus::Cancelled)
                }
                DiaryEvent::WindowClosed(e) => (e.appointment, |a| a.window_closed = true),
                DiaryEvent::Completed(e) => {
                    (e.appointment, |a| a.status = AppointmentStatus::Completed)
                }
            };
            if let Some((_, a)) = appointments.get_mut(&appointment) {
                change(a);
            }
        }
        let rows = appointments
            .values()
            .map(|(t, a)| AppointmentRow::new(*t, a));
        upsert(tx, tables, rows).await
    }
}
