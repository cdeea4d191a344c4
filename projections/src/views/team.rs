//! Team settings (business name, zone, hours, slot length, invite template,
//! branding), the portal logo, the contact address and the staff list.

use crate::bulk::Table;
use crate::convert::id;
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, decode, stream_id};
use crate::tx::Row;
use crate::tx::Tx;
use async_trait::async_trait;
use cma_domain::ids::TeamId;
use cma_domain::schedule::Schedule;
use cma_domain::team::{Branding, EmailTemplate, StaffMember, Team, TeamEvent, TeamLogo};
use cma_store::Recorded;
use std::collections::HashMap;

pub struct TeamView;

pub const SETTINGS_COLUMNS: &[&str] = &[
    "team_id",
    "business_name",
    "time_zone",
    "slot_minutes",
    "working_hours",
    "invite_subject",
    "invite_body",
    "accent_colour",
    "tagline",
];
const LOGO_COLUMNS: &[&str] = &["team_id", "file_id", "content_type", "size", "storage_key"];
const CONTACT_COLUMNS: &[&str] = &["team_id", "contact_email"];
const STAFF_COLUMNS: &[&str] = &["staff_id", "team_id", "name", "email"];

/// `{"mon": [["09:00","17:00"]], ..., "sun": []}`.
pub fn working_hours_json(schedule: &Schedule) -> serde_json::Value {
    schedule
        .working_hours
        .to_entries()
        .into_iter()
        .map(|(day, intervals)| {
            let list = intervals
                .into_iter()
                .map(|(start, end)| serde_json::json!([start, end]))
                .collect();
            (day.to_owned(), serde_json::Value::Array(list))
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn settings_row(
    team: TeamId,
    business_name: &str,
    schedule: &Schedule,
    invite: &EmailTemplate,
    branding: &Branding,
) -> Row {
    vec![
        id(team.0).into(),
        business_name.into(),
        schedule.time_zone.as_str().into(),
        i64::from(schedule.slot_minutes).into(),
        working_hours_json(schedule).to_string().into(),
        invite.subject.as_str().into(),
        invite.body.as_str().into(),
        branding.accent_colour.clone().into(),
        branding.tagline.clone().into(),
    ]
}

fn logo_row(team: TeamId, logo: &TeamLogo) -> Result<Row, ProjectionError> {
    Ok(vec![
        id(team.0).into(),
        id(logo.file.0).into(),
        logo.content_type.as_str().into(),
        i64::try_from(logo.size)
            .map_err(|_| ProjectionError::corrupt("logo size", &logo.size.to_string()))?
            .into(),
        logo.storage_key.as_str().into(),
    ])
}

fn staff_row(team: TeamId, member: &StaffMember) -> Row {
    vec![
        id(member.staff.0).into(),
        id(team.0).into(),
        member.name.as_str().into(),
        member.email.as_str().into(),
    ]
}

#[async_trait]
impl Projector for TeamView {
    fn name(&self) -> &'static str {
        "team"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["team_settings", "team_logos", "team_contacts", "team_staff"]
    }

    async fn apply(
        &self,
        tx: &mut dyn Tx,
        tables: &TableNames,
        events: &[Recorded],
    ) -> Result<(), ProjectionError> {
        let mut settings: HashMap<TeamId, Row> = HashMap::new();
        let mut staff: HashMap<String, Row> = HashMap::new();
        let mut contacts: HashMap<TeamId, Row> = HashMap::new();
        // The last word on each team's logo in this batch: a row, or removed.
        let mut logos: HashMap<TeamId, Option<Row>> = HashMap::new();
        for recorded in events {
            let Some(event) = decode::<Team>(recorded)? else {
                continue;
            };
            let team: TeamId = stream_id(recorded)?;
            match event {
                TeamEvent::Created(e) => {
                    let row = settings_row(
                        e.team,
                        &e.business_name,
                        &e.schedule,
                        &e.invite_email,
                        &Branding::default(),
                    );
                    settings.insert(e.team, row);
                    staff.insert(id(e.owner.staff.0), staff_row(e.team, &e.owner));
                    contacts.insert(
                        e.team,
                        vec![id(e.team.0).into(), e.owner.email.as_str().into()],
                    );
                }
                TeamEvent::ContactEmailChanged(e) => {
                    contacts.insert(
                        team,
                        vec![id(team.0).into(), e.contact_email.as_str().into()],
                    );
                }
                TeamEvent::SettingsChanged(e) => {
                    let row = settings_row(
                        team,
                        &e.business_name,
                        &e.schedule,
                        &e.invite_email,
                        &e.branding,
                    );
                    settings.insert(team, row);
                }
                TeamEvent::StaffAdded(e) => {
                    staff.insert(id(e.member.staff.0), staff_row(team, &e.member));
                }
                TeamEvent::LogoChanged(e) => {
                    logos.insert(team, Some(logo_row(team, &e.logo)?));
                }
                TeamEvent::LogoRemoved(_) => {
                    logos.insert(team, None);
                }
            }
        }
        let settings_table = tables.of("team_settings");
        Table {
            name: &settings_table,
            columns: SETTINGS_COLUMNS,
            key: 1,
        }
        .upsert(tx, settings.into_values().collect())
        .await?;
        let logos_table = tables.of("team_logos");
        let logo_table = Table {
            name: &logos_table,
            columns: LOGO_COLUMNS,
            key: 1,
        };
        let (set, removed): (Vec<_>, Vec<_>) = logos.into_iter().partition(|(_, r)| r.is_some());
        logo_table
            .delete_where_in(
                tx,
                "team_id",
                removed.into_iter().map(|(team, _)| id(team.0)).collect(),
            )
            .await?;
        logo_table
            .upsert(tx, set.into_iter().filter_map(|(_, row)| row).collect())
            .await?;
        let contacts_table = tables.of("team_contacts");
        Table {
            name: &contacts_table,
            columns: CONTACT_COLUMNS,
            key: 1,
        }
        .upsert(tx, contacts.into_values().collect())
        .await?;
        let staff_table = tables.of("team_staff");
        Table {
            name: &staff_table,
            columns: STAFF_COLUMNS,
            key: 1,
        }
        .upsert(tx, staff.into_values().collect())
        .await
    }
}
