//! One value of every team event, for golden fixtures and docs.

use super::events::*;
use super::template::default_invite;
use crate::ids::{FileId, StaffId};
use crate::schedule::Schedule;
use crate::testing::fixtures::{after, staff, team};
use uuid::Uuid;

pub fn events() -> Vec<TeamEvent> {
    let owner = staff();
    vec![
        TeamEvent::Created(TeamCreated {
            team: team(),
            business_name: "Hart Plumbing".to_owned(),
            owner: StaffMember {
                staff: owner,
                name: "Sam Hart".to_owned(),
                email: "sam@hartplumbing.example".to_owned(),
            },
            schedule: Schedule::default(),
            invite_email: default_invite(),
            at: after(0),
        }),
        TeamEvent::SettingsChanged(TeamSettingsChanged {
            business_name: "Hart Plumbing & Heating".to_owned(),
            branding: Branding {
                accent_colour: Some("#0a7d5a".to_owned()),
                logo: Some(FileId(Uuid::from_u128(0x7))),
                tagline: Some("Warm homes since 1998".to_owned()),
            },
            schedule: dublin_half_hours(),
            invite_email: EmailTemplate {
                subject: "Welcome, {{client_name}}".to_owned(),
                body: "Sign in: {{portal_link}}\n{{staff_name}}, {{business_name}}".to_owned(),
            },
            by: owner,
            at: after(1),
        }),
        TeamEvent::StaffAdded(TeamStaffAdded {
            member: StaffMember {
                staff: StaffId(Uuid::from_u128(0x8)),
                name: "Jo Fitter".to_owned(),
                email: "jo@hartplumbing.example".to_owned(),
            },
            by: owner,
            at: after(2),
        }),
        TeamEvent::LogoChanged(TeamLogoChanged {
            logo: TeamLogo {
                file: FileId(Uuid::from_u128(0x7)),
                content_type: "image/png".to_owned(),
                size: 5120,
                sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                    .to_owned(),
                storage_key: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                    .to_owned(),
            },
            by: owner,
            at: after(3),
        }),
        TeamEvent::LogoRemoved(TeamLogoRemoved {
            by: owner,
            at: after(4),
        }),
        TeamEvent::ContactEmailChanged(TeamContactEmailChanged {
            contact_email: "office@hartplumbing.example".to_owned(),
            by: owner,
            at: after(5),
        }),
    ]
}

// Assigned field by field so the sample survives fields added to `Schedule`.
#[allow(clippy::field_reassign_with_default)]
fn dublin_half_hours() -> Schedule {
    let mut schedule = Schedule::default();
    schedule.time_zone = "Europe/Dublin".to_owned();
    schedule.slot_minutes = 30;
    schedule
}
