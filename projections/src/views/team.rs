//! Team settings (business name, zone, hours, slot length, invite template,
//! branding), the portal logo, the contact address and the staff list.

use crate::convert::id;
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, events_of};
use crate::table::{table, upsert, upsert_or_delete};
use crate::tx::Tx;
use async_trait::async_trait;
use cma_domain::ids::{StaffId, TeamId};
use cma_domain::schedule::Schedule;
use cma_domain::team::{Branding, EmailTemplate, StaffMember, Team, TeamEvent, TeamLogo};
use cma_store::Recorded;
use std::collections::HashMap;

pub struct TeamView;

table! {
    /// A team's settings and branding.
    struct SettingsRow in "team_settings" key (team_id) {
        team_id: String,
        business_name: String,
        time_zone: String,
        slot_minutes: i64,
        /// `{"mon": [["09:00","17:00"]], ..., "sun": []}`.
        working_hours: String,
        invite_subject: String,
        invite_body: String,
        accent_colour: Option<String>,
        tagline: Option<String>,
    }
}

table! {
    /// Where a team's portal logo is stored.
    struct LogoRow in "team_logos" key (team_id) {
        team_id: String,
        file_id: String,
        content_type: String,
        size: i64,
        storage_key: String,
    }
}

table! {
    /// The address replies to the team go to.
    struct ContactRow in "team_contacts" key (team_id) {
        team_id: String,
        contact_email: String,
    }
}

table! {
    /// A staff member of a team.
    struct StaffRow in "team_staff" key (staff_id) {
        staff_id: String,
        team_id: String,
        name: String,
        email: String,
    }
}

/// `{"mon": [["09:00","17:00"]], ..., "sun": []}`.
fn working_hours_json(schedule: &Schedule) -> serde_json::Value {
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

impl SettingsRow {
    fn new(
        team: TeamId,
        business_name: &str,
        schedule: &Schedule,
        invite: &EmailTemplate,
        branding: &Branding,
    ) -> Self {
        Self {
            team_id: id(team.0),
            business_name: business_name.to_owned(),
            time_zone: schedule.time_zone.as_str().to_owned(),
            slot_minutes: i64::from(schedule.slot_minutes),
            working_hours: working_hours_json(schedule).to_string(),
            invite_subject: invite.subject.clone(),
            invite_body: invite.body.clone(),
            accent_colour: branding.accent_colour.clone(),
            tagline: branding.tagline.clone(),
        }
    }
}

impl LogoRow {
    fn new(team: TeamId, logo: &TeamLogo) -> Result<Self, ProjectionError> {
        Ok(Self {
            team_id: id(team.0),
            file_id: id(logo.file.0),
            content_type: logo.content_type.clone(),
            size: i64::try_from(logo.size)
                .map_err(|_| ProjectionError::corrupt("logo size", &logo.size.to_string()))?,
            storage_key: logo.storage_key.clone(),
        })
    }
}

impl ContactRow {
    fn new(team: TeamId, contact_email: &str) -> Self {
        Self {
            team_id: id(team.0),
            contact_email: contact_email.to_owned(),
        }
    }
}

impl StaffRow {
    fn new(team: TeamId, member: &StaffMember) -> Self {
        Self {
            staff_id: id(member.staff.0),
            team_id: id(team.0),
            name: member.name.clone(),
            email: member.email.clone(),
        }
    }
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
        // Each row as the batch leaves it; a logo `None` once removed.
        let mut settings: HashMap<TeamId, SettingsRow> = HashMap::new();
        let mut staff: HashMap<StaffId, StaffRow> = HashMap::new();
        let mut contacts: HashMap<TeamId, ContactRow> = HashMap::new();
        let mut logos: HashMap<TeamId, Option<LogoRow>> = HashMap::new();
        for (team, _, event) in events_of::<Team, TeamId>(events)? {
            match event {
                TeamEvent::Created(e) => {
                    let none = Branding::default();
                    let row = SettingsRow::new(
                        e.team,
                        &e.business_name,
                        &e.schedule,
                        &e.invite_email,
                        &none,
                    );
                    settings.insert(e.team, row);
                    staff.insert(e.owner.staff, StaffRow::new(e.team, &e.owner));
                    contacts.insert(e.team, ContactRow::new(e.team, &e.owner.email));
                }
                TeamEvent::ContactEmailChanged(e) => {
                    contacts.insert(team, ContactRow::new(team, &e.contact_email));
                }
                TeamEvent::SettingsChanged(e) => {
                    let row = SettingsRow::new(
                        team,
                        &e.business_name,
                        &e.schedule,
                        &e.invite_email,
                        &e.branding,
                    );
                    settings.insert(team, row);
                }
                TeamEvent::StaffAdded(e) => {
                    staff.insert(e.member.staff, StaffRow::new(team, &e.member));
                }
                TeamEvent::LogoChanged(e) => {
                    logos.insert(team, Some(LogoRow::new(team, &e.logo)?));
                }
                TeamEvent::LogoRemoved(_) => {
                    logos.insert(team, None);
                }
            }
        }
        upsert(tx, tables, settings.into_values()).await?;
        upsert_or_delete(tx, tables, "team_id", logos).await?;
        upsert(tx, tables, contacts.into_values()).await?;
        upsert(tx, tables, staff.into_values()).await
    }
}
