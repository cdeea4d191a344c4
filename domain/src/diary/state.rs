//! A team's diary as folded from its events, and the time rules read from it.

use super::commands::DiaryCommand;
use super::errors::DiaryError;
use super::events::DiaryEvent;
use crate::access::Author;
use crate::aggregate::Aggregate;
use crate::ids::{AppointmentId, ClientId};
use crate::schedule::Slot;
use crate::time::Timestamp;
use imbl::{OrdMap, OrdSet};

/// A client may cancel until this long before the start (24 hours).
pub const CANCELLATION_NOTICE_SECONDS: i64 = 24 * 3600;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AppointmentStatus {
    Scheduled,
    Cancelled,
    Completed,
}

impl AppointmentStatus {
    /// The API value: `scheduled`, `cancelled`, `completed`.
    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Scheduled => "scheduled",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::Completed => "completed",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appointment {
    pub id: AppointmentId,
    pub client: Option<ClientId>,
    pub title: Option<String>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub status: AppointmentStatus,
    pub booked_by: Author,
    /// The worker has recorded that the client-cancellation window closed.
    pub window_closed: bool,
}

impl Appointment {
    pub fn slot(&self) -> Slot {
        Slot {
            starts_at: self.starts_at,
            ends_at: self.ends_at,
        }
    }
}

/// The last instant a client may cancel: 24 hours before the start.
pub fn cancellation_deadline(starts_at: Timestamp) -> Timestamp {
    starts_at.plus_seconds(-CANCELLATION_NOTICE_SECONDS)
}

/// Whether the client may still cancel: Scheduled, the window not recorded
/// as closed, and `now` no later than 24 hours before the start.
pub fn can_cancel(appointment: &Appointment, now: Timestamp) -> bool {
    appointment.status == AppointmentStatus::Scheduled
        && !appointment.window_closed
        && now <= cancellation_deadline(appointment.starts_at)
}

/// What the worker should record at `now`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DueWork {
    /// Scheduled client appointments whose cancellation window has passed.
    pub close_windows: Vec<AppointmentId>,
    /// Scheduled appointments that have ended.
    pub complete: Vec<AppointmentId>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diary {
    /// Every appointment the diary ever held, in a map whose copies share
    /// what they have in common, so a copy costs nothing of the diary's
    /// history (a command decided behind a queued one decides on a copy).
    appointments: OrdMap<AppointmentId, Appointment>,
    /// The Scheduled ones among them: what bookings and the worker look
    /// at, so their cost follows the diary's open appointments, not its
    /// whole history.
    scheduled: OrdSet<AppointmentId>,
}

impl Diary {
    pub fn appointment(&self, id: AppointmentId) -> Option<&Appointment> {
        self.appointments.get(&id)
    }

    pub fn appointments(&self) -> impl Iterator<Item = &Appointment> {
        self.appointments.values()
    }

    /// The Scheduled appointments.
    fn scheduled(&self) -> impl Iterator<Item = &Appointment> {
        self.scheduled
            .iter()
            .filter_map(|id| self.appointments.get(id))
    }

    /// The time ranges of Scheduled appointments: what free slots must avoid.
    pub fn busy(&self) -> Vec<Slot> {
        self.scheduled().map(Appointment::slot).collect()
    }

    /// Windows to close and appointments to complete at `now`.
    pub fn due_at(&self, now: Timestamp) -> DueWork {
        DueWork {
            close_windows: self
                .scheduled()
                .filter(|a| a.client.is_some() && !a.window_closed)
                .filter(|a| now > cancellation_deadline(a.starts_at))
                .map(|a| a.id)
                .collect(),
            complete: self
                .scheduled()
                .filter(|a| now >= a.ends_at)
                .map(|a| a.id)
                .collect(),
        }
    }

    /// The earliest instant after `now` at which [`Diary::due_at`] will
    /// have new work, so the worker can sleep until then.
    pub fn next_due_after(&self, now: Timestamp) -> Option<Timestamp> {
        let closes = self
            .scheduled()
            .filter(|a| a.client.is_some() && !a.window_closed)
            .map(|a| just_after(cancellation_deadline(a.starts_at)));
        let ends = self.scheduled().map(|a| a.ends_at);
        closes.chain(ends).filter(|t| *t > now).min()
    }

    fn with(mut self, id: AppointmentId, change: impl FnOnce(&mut Appointment)) -> Self {
        if let Some(a) = self.appointments.get_mut(&id) {
            change(a);
            if a.status != AppointmentStatus::Scheduled {
                self.scheduled.remove(&id);
            }
        }
        self
    }

    fn insert(mut self, appointment: Appointment) -> Self {
        if appointment.status == AppointmentStatus::Scheduled {
            self.scheduled.insert(appointment.id);
        }
        self.appointments.insert(appointment.id, appointment);
        self
    }
}

impl Aggregate for Diary {
    const CATEGORY: &'static str = "diary";
    type Command = DiaryCommand;
    type Event = DiaryEvent;
    type Error = DiaryError;

    fn decide(&self, command: DiaryCommand, now: Timestamp) -> Result<Vec<DiaryEvent>, DiaryError> {
        super::decide::decide(self, command, now)
    }

    fn evolve(self, event: &DiaryEvent) -> Self {
        match event {
            DiaryEvent::Booked(e) => self.insert(Appointment {
                id: e.appointment,
                client: Some(e.client),
                title: None,
                starts_at: e.starts_at,
                ends_at: e.ends_at,
                status: AppointmentStatus::Scheduled,
                booked_by: Author::Client(e.client),
                window_closed: false,
            }),
            DiaryEvent::Added(e) => self.insert(Appointment {
                id: e.appointment,
                client: e.client,
                title: e.title.clone(),
                starts_at: e.starts_at,
                ends_at: e.ends_at,
                status: AppointmentStatus::Scheduled,
                booked_by: Author::Staff(e.by),
                window_closed: false,
            }),
            DiaryEvent::Cancelled(e) => {
                self.with(e.appointment, |a| a.status = AppointmentStatus::Cancelled)
            }
            DiaryEvent::WindowClosed(e) => self.with(e.appointment, |a| a.window_closed = true),
            DiaryEvent::Completed(e) => {
                self.with(e.appointment, |a| a.status = AppointmentStatus::Completed)
            }
        }
    }
}

/// The next representable instant: when a window that closes "after" `t` is due.
fn just_after(t: Timestamp) -> Timestamp {
    Timestamp::from_micros(t.as_micros().saturating_add(1)).unwrap_or(t)
}
