//! The diary's decisions.

use super::commands::DiaryCommand;
use super::errors::DiaryError;
use super::events::*;
use super::state::{Appointment, AppointmentStatus, Diary, cancellation_deadline};
use crate::access::{By, ClientPortal, Section};
use crate::ids::{AppointmentId, ClientId, StaffId};
use crate::schedule::{Schedule, is_bookable};
use crate::time::Timestamp;

/// Longest appointment title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

pub fn decide(
    diary: &Diary,
    command: DiaryCommand,
    now: Timestamp,
) -> Result<Vec<DiaryEvent>, DiaryError> {
    match command {
        DiaryCommand::Book {
            appointment,
            portal,
            starts_at,
            schedule,
        } => book(diary, appointment, portal, starts_at, &schedule, now),
        DiaryCommand::Add {
            appointment,
            staff,
            client,
            title,
            starts_at,
            ends_at,
        } => add(diary, appointment, staff, client, title, starts_at, ends_at),
        DiaryCommand::Cancel { appointment, by } => cancel(diary, appointment, by, now),
        DiaryCommand::CloseCancellationWindow { appointment } => {
            close_window(diary, appointment, now)
        }
        DiaryCommand::Complete { appointment } => complete(diary, appointment, now),
    }
}

fn book(
    diary: &Diary,
    appointment: AppointmentId,
    portal: ClientPortal,
    starts_at: Timestamp,
    schedule: &Schedule,
    now: Timestamp,
) -> Result<Vec<DiaryEvent>, DiaryError> {
    portal.require(Section::Meetings)?;
    if let Some(existing) = diary.appointment(appointment) {
        let retry = existing.client == Some(portal.client) && existing.starts_at == starts_at;
        return if retry {
            Ok(vec![])
        } else {
            Err(DiaryError::AppointmentExists(appointment))
        };
    }
    let slot = is_bookable(schedule, &diary.busy(), now, starts_at)?;
    Ok(vec![DiaryEvent::Booked(AppointmentBooked {
        appointment,
        client: portal.client,
        starts_at: slot.starts_at,
        ends_at: slot.ends_at,
    })])
}

fn add(
    diary: &Diary,
    appointment: AppointmentId,
    staff: StaffId,
    client: Option<ClientId>,
    title: Option<String>,
    starts_at: Timestamp,
    ends_at: Timestamp,
) -> Result<Vec<DiaryEvent>, DiaryError> {
    if starts_at >= ends_at {
        return Err(DiaryError::EmptyRange);
    }
    let title = title.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    if title
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_TITLE_CHARS)
    {
        return Err(DiaryError::TitleTooLong {
            max: MAX_TITLE_CHARS,
        });
    }
    if title
        .as_deref()
        .is_some_and(|t| crate::text::refused_char(t, crate::text::Lines::One).is_some())
    {
        return Err(DiaryError::TitleHasHiddenCharacters);
    }
    let added = AppointmentAdded {
        appointment,
        by: staff,
        client,
        title,
        starts_at,
        ends_at,
    };
    if let Some(existing) = diary.appointment(appointment) {
        return if same_as_added(existing, &added) {
            Ok(vec![])
        } else {
            Err(DiaryError::AppointmentExists(appointment))
        };
    }
    Ok(vec![DiaryEvent::Added(added)])
}

fn same_as_added(existing: &Appointment, added: &AppointmentAdded) -> bool {
    existing.client == added.client
        && existing.title == added.title
        && existing.starts_at == added.starts_at
        && existing.ends_at == added.ends_at
}

fn cancel(
    diary: &Diary,
    appointment: AppointmentId,
    by: By,
    now: Timestamp,
) -> Result<Vec<DiaryEvent>, DiaryError> {
    by.require(Section::Meetings)?;
    let a = diary
        .appointment(appointment)
        .filter(|a| match by {
            By::Staff(_) => true,
            By::Client(portal) => a.client == Some(portal.client),
        })
        .ok_or(DiaryError::UnknownAppointment(appointment))?;
    match a.status {
        AppointmentStatus::Cancelled => return Ok(vec![]),
        AppointmentStatus::Completed if matches!(by, By::Staff(_)) => {
            return Err(DiaryError::AlreadyCompleted(appointment));
        }
        _ => {}
    }
    if matches!(by, By::Client(_)) && !super::state::can_cancel(a, now) {
        return Err(DiaryError::CancellationWindowClosed);
    }
    Ok(vec![DiaryEvent::Cancelled(AppointmentCancelled {
        appointment,
        by: by.author(),
    })])
}

fn close_window(
    diary: &Diary,
    appointment: AppointmentId,
    now: Timestamp,
) -> Result<Vec<DiaryEvent>, DiaryError> {
    let a = diary
        .appointment(appointment)
        .ok_or(DiaryError::UnknownAppointment(appointment))?;
    if a.status != AppointmentStatus::Scheduled || a.window_closed {
        return Ok(vec![]);
    }
    if now <= cancellation_deadline(a.starts_at) {
        return Err(DiaryError::WindowStillOpen(appointment));
    }
    Ok(vec![DiaryEvent::WindowClosed(CancellationWindowClosed {
        appointment,
    })])
}

fn complete(
    diary: &Diary,
    appointment: AppointmentId,
    now: Timestamp,
) -> Result<Vec<DiaryEvent>, DiaryError> {
    let a = diary
        .appointment(appointment)
        .ok_or(DiaryError::UnknownAppointment(appointment))?;
    if a.status != AppointmentStatus::Scheduled {
        return Ok(vec![]);
    }
    if now < a.ends_at {
        return Err(DiaryError::NotEnded(appointment));
    }
    Ok(vec![DiaryEvent::Completed(AppointmentCompleted {
        appointment,
    })])
}
