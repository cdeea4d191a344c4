//! Facts recorded in a team's diary stream.

use crate::access::Author;
use crate::event_enum;
use crate::ids::{AppointmentId, ClientId, StaffId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// A client booked a free slot; the appointment is Scheduled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppointmentBooked {
    pub appointment: AppointmentId,
    /// The client who booked, and whose appointment it is.
    pub client: ClientId,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

/// A staff member put an appointment in the diary; it is Scheduled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppointmentAdded {
    pub appointment: AppointmentId,
    pub by: StaffId,
    pub client: Option<ClientId>,
    pub title: Option<String>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

/// A Scheduled appointment was cancelled by its client or by staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppointmentCancelled {
    pub appointment: AppointmentId,
    pub by: Author,
}

/// The client can no longer cancel: it is less than 24 hours to the start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CancellationWindowClosed {
    pub appointment: AppointmentId,
}

/// A Scheduled appointment has ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppointmentCompleted {
    pub appointment: AppointmentId,
}

event_enum! {
    /// Events of a team's diary stream.
    pub enum DiaryEvent {
        Booked(AppointmentBooked) = "AppointmentBooked" v 1,
        Added(AppointmentAdded) = "AppointmentAdded" v 1,
        Cancelled(AppointmentCancelled) = "AppointmentCancelled" v 1,
        WindowClosed(CancellationWindowClosed) = "AppointmentCancellationWindowClosed" v 1,
        Completed(AppointmentCompleted) = "AppointmentCompleted" v 1,
    }
}
