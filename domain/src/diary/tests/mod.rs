use super::*;
use crate::access::{AccessDenied, Author, By, ClientPortal, Section};
use crate::ids::{AppointmentId, ClientId};
use crate::schedule::{NotBookable, Schedule, Weekday};
use crate::testing::fixtures::{alice, at, bob, portal, staff};
use crate::testing::given;
use crate::time::Timestamp;
use crate::{Aggregate, Refusal, RefusalKind};
use uuid::Uuid;

/// Wednesday 25 March 2026, 10:30 GMT.
fn now() -> Timestamp {
    at("2026-03-25T10:30:00Z")
}

fn appt(n: u128) -> AppointmentId {
    AppointmentId(Uuid::from_u128(n))
}

fn book_as(portal: ClientPortal, id: u128, starts_at: &str) -> DiaryCommand {
    DiaryCommand::Book {
        appointment: appt(id),
        portal,
        starts_at: at(starts_at),
        schedule: Schedule::default(),
    }
}

fn book(id: u128, starts_at: &str) -> DiaryCommand {
    book_as(portal(alice()), id, starts_at)
}

fn booked(id: u128, client: ClientId, starts_at: &str, ends_at: &str) -> DiaryEvent {
    DiaryEvent::Booked(AppointmentBooked {
        appointment: appt(id),
        client,
        starts_at: at(starts_at),
        ends_at: at(ends_at),
    })
}

/// Alice's booking on Thursday 26 March 2026, 09:00–10:00 GMT.
fn alices_thursday() -> DiaryEvent {
    booked(1, alice(), "2026-03-26T09:00:00Z", "2026-03-26T10:00:00Z")
}

fn added(id: u128, client: Option<ClientId>, starts_at: &str, ends_at: &str) -> DiaryEvent {
    DiaryEvent::Added(AppointmentAdded {
        appointment: appt(id),
        by: staff(),
        client,
        title: None,
        starts_at: at(starts_at),
        ends_at: at(ends_at),
    })
}

fn add(id: u128, starts_at: &str, ends_at: &str, title: Option<&str>) -> DiaryCommand {
    DiaryCommand::Add {
        appointment: appt(id),
        staff: staff(),
        client: None,
        title: title.map(str::to_owned),
        starts_at: at(starts_at),
        ends_at: at(ends_at),
    }
}

fn cancel(id: u128, by: By) -> DiaryCommand {
    DiaryCommand::Cancel {
        appointment: appt(id),
        by,
    }
}

fn cancelled(id: u128, by: Author) -> DiaryEvent {
    DiaryEvent::Cancelled(AppointmentCancelled {
        appointment: appt(id),
        by,
    })
}

fn window_closed(id: u128) -> DiaryEvent {
    DiaryEvent::WindowClosed(CancellationWindowClosed {
        appointment: appt(id),
    })
}

fn completed(id: u128) -> DiaryEvent {
    DiaryEvent::Completed(AppointmentCompleted {
        appointment: appt(id),
    })
}

fn close(id: u128) -> DiaryCommand {
    DiaryCommand::CloseCancellationWindow {
        appointment: appt(id),
    }
}

fn complete(id: u128) -> DiaryCommand {
    DiaryCommand::Complete {
        appointment: appt(id),
    }
}

mod booking;
mod cancelling;
mod plumbing;
mod staff_appointments;
mod worker;
