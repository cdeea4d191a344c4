//! The diary's decisions.

use super::commands::DiaryCommand;
use super::errors::DiaryError;
use super::events::*;
use super::state::{Appointment, AppointmentStatus, Diary, cancellation_deadline};
use crate::access::{By, ClientPortal, Section};
use crate::ids::AppointmentId;
use crate::schedule::{Schedule, is_bookable};
use crate::text::{self, Fault, Lines};
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
        } => add(
            diary,
            AppointmentAdded {
                appointment,
                by: staff,
                client,
                title,
                starts_at,
                ends_at,
            },
        ),
        DiaryCommand::Cancel { appointment, by } => cancel(diary, appointment, by, now),
        DiaryCommand::CloseCancellationWindow { appointment } => {
            close_window(found(diary, appointment)?, now)
        }
        DiaryCommand::Complete { appointment } => complete(found(diary, appointment)?, now),
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

/// An appointment title, trimmed, if acceptable; a blank one is none.
fn checked_title(title: Option<String>) -> Result<Option<String>, DiaryError> {
    match title.map(|t| text::checked(&t, MAX_TITLE_CHARS, Lines::One)) {
        None | Some(Err(Fault::Blank)) => Ok(None),
        Some(Ok(title)) => Ok(Some(title)),
        Some(Err(Fault::TooLong)) => Err(DiaryError::TitleTooLong {
            max: MAX_TITLE_CHARS,
        }),
        Some(Err(Fault::HiddenCharacters)) => Err(DiaryError::TitleHasHiddenCharacters),
    }
}

/// Staff add an appointment (`added` with its title as typed).
fn add(diary: &Diary, mut added: AppointmentAdded) -> Result<Vec<DiaryEvent>, DiaryError> {
    if added.starts_at >= added.ends_at {
        return Err(DiaryError::EmptyRange);
    }
    added.title = checked_title(added.title)?;
    if let Some(existing) = diary.appointment(added.appointment) {
        return if same_as_added(existing, &added) {
            Ok(vec![])
        } else {
            Err(DiaryError::AppointmentExists(added.appointment))
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

/// The appointment `id` names in the diary.
fn found(diary: &Diary, id: AppointmentId) -> Result<&Appointment, DiaryError> {
    diary
        .appointment(id)
        .ok_or(DiaryError::UnknownAppointment(id))
}

fn close_window(a: &Appointment, now: Timestamp) -> Result<Vec<DiaryEvent>, DiaryError> {
    if a.status != AppointmentStatus::Scheduled || a.window_closed {
        return Ok(vec![]);
    }
    if now <= cancellation_deadline(a.starts_at) {
        return Err(DiaryError::WindowStillOpen(a.id));
    }
    Ok(vec![DiaryEvent::WindowClosed(CancellationWindowClosed {
        appointment: a.id,
    })])
}

fn complete(a: &Appointment, now: Timestamp) -> Result<Vec<DiaryEvent>, DiaryError> {
    if a.status != AppointmentStatus::Scheduled {
        return Ok(vec![]);
    }
    if now < a.ends_at {
        return Err(DiaryError::NotEnded(a.id));
    }
    Ok(vec![DiaryEvent::Completed(AppointmentCompleted {
        appointment: a.id,
    })])
}
