//! A team as its events leave it, and the rules of its commands.

use super::commands::TeamCommand;
use super::errors::TeamError;
use super::events::*;
use super::{settings, template};
use crate::aggregate::Aggregate;
use crate::ids::{StaffId, TeamId};
use crate::schedule::Schedule;
use crate::time::Timestamp;

/// The state of one team stream. Only `evolve` changes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// False until the team is created.
    pub exists: bool,
    pub id: TeamId,
    pub business_name: String,
    pub staff: Vec<StaffMember>,
    /// `branding.logo` is the id of `logo`.
    pub branding: Branding,
    pub logo: Option<TeamLogo>,
    pub schedule: Schedule,
    pub invite_email: EmailTemplate,
    /// The contact address staff set, if any (see [`Team::contact_email`]).
    pub contact_email: Option<String>,
}

impl Default for Team {
    fn default() -> Self {
        Self {
            exists: false,
            id: TeamId::default(),
            business_name: String::new(),
            staff: Vec::new(),
            branding: Branding::default(),
            logo: None,
            schedule: Schedule::default(),
            invite_email: template::default_invite(),
            contact_email: None,
        }
    }
}

impl Team {
    pub fn member(&self, staff: StaffId) -> Option<&StaffMember> {
        self.staff.iter().find(|m| m.staff == staff)
    }

    /// Where clients' replies go: the address staff set, else the owner's email.
    pub fn contact_email(&self) -> Option<&str> {
        self.contact_email
            .as_deref()
            .or_else(|| self.staff.first().map(|m| m.email.as_str()))
    }

    /// Only this team's staff act on it; to anyone else it does not exist.
    fn scope(&self, by: StaffId) -> Result<(), TeamError> {
        if self.exists && self.member(by).is_some() {
            Ok(())
        } else {
            Err(TeamError::TeamNotFound)
        }
    }
}

impl Aggregate for Team {
    const CATEGORY: &'static str = "team";
    type Command = TeamCommand;
    type Event = TeamEvent;
    type Error = TeamError;

    fn decide(&self, command: TeamCommand, now: Timestamp) -> Result<Vec<TeamEvent>, TeamError> {
        let event = match command {
            TeamCommand::Create {
                team,
                business_name,
                owner,
                time_zone,
            } => {
                if self.exists {
                    return Err(TeamError::TeamAlreadyExists);
                }
                TeamEvent::Created(TeamCreated {
                    team,
                    business_name: settings::business_name(&business_name)?,
                    owner: settings::staff_member(owner)?,
                    schedule: Schedule {
                        time_zone: settings::time_zone(&time_zone)?,
                        ..Schedule::default()
                    },
                    invite_email: template::default_invite(),
                    at: now,
                })
            }
            TeamCommand::ChangeSettings {
                by,
                business_name,
                branding,
                schedule,
                invite_email,
                contact_email,
            } => {
                self.scope(by)?;
                let contact = match contact_email {
                    Some(raw) => Some(settings::contact_email(&raw)?),
                    None => None,
                }
                .filter(|c| Some(c.as_str()) != self.contact_email());
                let logo = self.logo.as_ref().map(|l| l.file);
                if let Some(given) = branding.as_ref().and_then(|b| b.logo)
                    && Some(given) != logo
                {
                    return Err(TeamError::NotTheLogo(given));
                }
                let changed = TeamSettingsChanged {
                    business_name: match business_name {
                        Some(name) => settings::business_name(&name)?,
                        None => self.business_name.clone(),
                    },
                    branding: Branding {
                        logo,
                        ..match branding {
                            Some(b) => settings::branding(b)?,
                            None => self.branding.clone(),
                        }
                    },
                    schedule: match schedule {
                        Some(s) => settings::schedule(*s)?,
                        None => self.schedule.clone(),
                    },
                    invite_email: match invite_email {
                        Some(t) => template::check(t)?,
                        None => self.invite_email.clone(),
                    },
                    by,
                    at: now,
                };
                let mut events = Vec::new();
                if changed.business_name != self.business_name
                    || changed.branding != self.branding
                    || changed.schedule != self.schedule
                    || changed.invite_email != self.invite_email
                {
                    events.push(TeamEvent::SettingsChanged(changed));
                }
                if let Some(contact_email) = contact {
                    events.push(TeamEvent::ContactEmailChanged(TeamContactEmailChanged {
                        contact_email,
                        by,
                        at: now,
                    }));
                }
                return Ok(events);
            }
            TeamCommand::AddStaff { by, member } => {
                self.scope(by)?;
                let member = settings::staff_member(member)?;
                if let Some(existing) = self.member(member.staff) {
                    return if *existing == member {
                        Ok(vec![])
                    } else {
                        Err(TeamError::StaffAlreadyAdded(member.staff))
                    };
                }
                if self.staff.iter().any(|m| m.email == member.email) {
                    return Err(TeamError::StaffEmailTaken);
                }
                TeamEvent::StaffAdded(TeamStaffAdded {
                    member,
                    by,
                    at: now,
                })
            }
            TeamCommand::ChangeLogo {
                by,
                file,
                content_type,
                size,
                sha256,
                storage_key,
            } => {
                self.scope(by)?;
                let logo = settings::logo(TeamLogo {
                    file,
                    content_type,
                    size,
                    sha256,
                    storage_key,
                })?;
                // The same image again changes nothing (and keeps its URL).
                if self.logo.as_ref().is_some_and(|current| {
                    current.sha256 == logo.sha256 && current.content_type == logo.content_type
                }) {
                    return Ok(vec![]);
                }
                TeamEvent::LogoChanged(TeamLogoChanged { logo, by, at: now })
            }
            TeamCommand::RemoveLogo { by } => {
                self.scope(by)?;
                if self.logo.is_none() {
                    return Ok(vec![]);
                }
                TeamEvent::LogoRemoved(TeamLogoRemoved { by, at: now })
            }
        };
        Ok(vec![event])
    }

    fn evolve(mut self, event: &TeamEvent) -> Self {
        match event {
            TeamEvent::Created(e) => {
                self.exists = true;
                self.id = e.team;
                self.business_name = e.business_name.clone();
                self.staff = vec![e.owner.clone()];
                self.schedule = e.schedule.clone();
                self.invite_email = e.invite_email.clone();
            }
            TeamEvent::SettingsChanged(e) => {
                self.business_name = e.business_name.clone();
                // The logo is the logo events' alone (an early event may name another).
                self.branding = Branding {
                    logo: self.logo.as_ref().map(|l| l.file),
                    ..e.branding.clone()
                };
                self.schedule = e.schedule.clone();
                self.invite_email = e.invite_email.clone();
            }
            TeamEvent::StaffAdded(e) => self.staff.push(e.member.clone()),
            TeamEvent::LogoChanged(e) => {
                self.branding.logo = Some(e.logo.file);
                self.logo = Some(e.logo.clone());
            }
            TeamEvent::LogoRemoved(_) => {
                self.branding.logo = None;
                self.logo = None;
            }
            TeamEvent::ContactEmailChanged(e) => {
                self.contact_email = Some(e.contact_email.clone());
            }
        }
        self
    }
}
