//! The team diary: every appointment with its status and who booked it.
//! The client's meetings read the same rows (`queries::diary`).

use crate::bulk::{Columns, Table, select_in};
use crate::convert::{author, id, micros, parse_author, parse_id, timestamp};
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, decode, stream_id};
use crate::tx::{Fields, Kind, Row, Tx};
use async_trait::async_trait;
use cma_domain::access::Author;
use cma_domain::diary::{Appointment, AppointmentStatus, Diary, DiaryEvent};
use cma_domain::ids::{AppointmentId, TeamId};
use cma_store::Recorded;
use std::collections::{HashMap, HashSet};

pub struct DiaryView;

const COLUMNS: &[&str] = &[
    "appointment_id",
    "team_id",
    "client_id",
    "title",
    "starts_at",
    "ends_at",
    "status",
    "booked_by",
    "booked_by_id",
    "window_closed",
];

#[derive(sqlx::FromRow)]
pub(crate) struct AppointmentRow {
    pub appointment_id: String,
    pub team_id: String,
    pub client_id: Option<String>,
    pub title: Option<String>,
    pub starts_at: i64,
    pub ends_at: i64,
    pub status: String,
    pub booked_by: String,
    pub booked_by_id: String,
    pub window_closed: i64,
}

/// The columns of [`AppointmentRow`], with their types.
pub(crate) const READ: &Columns = &[
    ("appointment_id", Kind::Text),
    ("team_id", Kind::Text),
    ("client_id", Kind::Text),
    ("title", Kind::Text),
    ("starts_at", Kind::Int),
    ("ends_at", Kind::Int),
    ("status", Kind::Text),
    ("booked_by", Kind::Text),
    ("booked_by_id", Kind::Text),
    ("window_closed", Kind::Int),
];

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
    fn read(mut f: Fields) -> Result<Self, ProjectionError> {
        Ok(Self {
            appointment_id: f.text()?,
            team_id: f.text()?,
            client_id: f.opt_text()?,
            title: f.opt_text()?,
            starts_at: f.int()?,
            ends_at: f.int()?,
            status: f.text()?,
            booked_by: f.text()?,
            booked_by_id: f.text()?,
            window_closed: f.int()?,
        })
    }

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
}

fn row(team: TeamId, a: &Appointment) -> Row {
    let (by, by_id) = author(a.booked_by);
    vec![
        id(a.id.0).into(),
        id(team.0).into(),
        a.client.map(|c| id(c.0)).into(),
        a.title.clone().into(),
        micros(a.starts_at).into(),
        micros(a.ends_at).into(),
        a.status.as_str().into(),
        by.into(),
        by_id.into(),
        a.window_closed.into(),
    ]
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
        let name = tables.of("appointments");
        let mut docs: HashMap<AppointmentId, (TeamId, Appointment)> = HashMap::new();
        for fields in select_in(tx, &name, READ, "appointment_id", to_load).await? {
            let r = AppointmentRow::read(fields)?;
            let a = r.appointment()?;
            docs.insert(a.id, (parse_id(&r.team_id)?, a));
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
                    docs.insert(e.appointment, (team, a));
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
                    docs.insert(e.appointment, (team, a));
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
            if let Some((_, a)) = docs.get_mut(&appointment) {
                change(a);
            }
        }
        Table {
            name: &name,
            columns: COLUMNS,
            key: 1,
        }
        .upsert(tx, docs.values().map(|(t, a)| row(*t, a)).collect())
        .await
    }
}
