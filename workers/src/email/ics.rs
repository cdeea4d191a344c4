//! The iCalendar attachment of booking emails (RFC 5545 / iTIP): one stable
//! UID per appointment, `METHOD:REQUEST` when booked and `METHOD:CANCEL`
//! (a higher SEQUENCE) when cancelled. Times are written in UTC, which every
//! calendar shows in its own zone; the business's zone is named as well.

use chrono::{DateTime, Utc};
use cma_domain::Timestamp;
use cma_domain::ids::AppointmentId;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};

/// Whether the attachment books or cancels the appointment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Request,
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// One appointment as a calendar entry.
#[derive(Clone, Debug)]
pub struct Meeting<'a> {
    pub appointment: AppointmentId,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub summary: &'a str,
    pub description: &'a str,
    /// The business's IANA time zone.
    pub time_zone: &'a str,
    pub organizer_name: &'a str,
    pub organizer_email: &'a str,
    /// Everyone the entry is for (email addresses).
    pub attendees: &'a [String],
    /// When the booking or cancellation was recorded.
    pub stamp: Timestamp,
}

/// The stable UID of an appointment's calendar entry.
pub fn uid(appointment: AppointmentId) -> String {
    format!("{appointment}@cma")
}

/// The `.ics` text for `meeting`.
pub fn calendar(method: Method, meeting: &Meeting<'_>) -> String {
    let mut event = Event::new();
    event
        .uid(&uid(meeting.appointment))
        .sequence(match method {
            Method::Request => 0,
            Method::Cancel => 1,
        })
        .timestamp(utc(meeting.stamp))
        .starts(utc(meeting.starts_at))
        .ends(utc(meeting.ends_at))
        .summary(meeting.summary)
        .description(meeting.description)
        .status(match method {
            Method::Request => EventStatus::Confirmed,
            Method::Cancel => EventStatus::Cancelled,
        });
    let mut organizer = Property::new("ORGANIZER", format!("mailto:{}", meeting.organizer_email));
    organizer.add_parameter("CN", meeting.organizer_name);
    event.append_property(organizer);
    for attendee in meeting.attendees {
        let mut property = Property::new("ATTENDEE", format!("mailto:{attendee}"));
        property.add_parameter("ROLE", "REQ-PARTICIPANT");
        event.append_multi_property(property);
    }
    let mut calendar = Calendar::new();
    calendar
        .append_property(Property::new("METHOD", method.as_str()))
        .timezone(meeting.time_zone)
        .push(event.done());
    calendar.done().to_string()
}

fn utc(t: Timestamp) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_micros(t.as_micros()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meeting(attendees: &[String]) -> Meeting<'_> {
        Meeting {
            appointment: AppointmentId(uuid::Uuid::nil()),
            starts_at: Timestamp::parse_rfc3339("2026-12-07T10:00:00Z")
                .unwrap_or(Timestamp::UNIX_EPOCH),
            ends_at: Timestamp::parse_rfc3339("2026-12-07T11:00:00Z")
                .unwrap_or(Timestamp::UNIX_EPOCH),
            summary: "Meeting with Pipe & Co",
            description: "Booked from the portal",
            time_zone: "Europe/London",
            organizer_name: "Pipe & Co",
            organizer_email: "office@pipe.test",
            attendees,
            stamp: Timestamp::parse_rfc3339("2026-12-01T09:00:00Z")
                .unwrap_or(Timestamp::UNIX_EPOCH),
        }
    }

    #[test]
    fn a_booking_is_a_request_with_a_stable_uid_in_utc() {
        let ics = calendar(Method::Request, &meeting(&["ann@x.test".to_owned()]));
        assert!(ics.contains("METHOD:REQUEST"), "{ics}");
        assert!(ics.contains("UID:00000000-0000-0000-0000-000000000000@cma"));
        assert!(ics.contains("DTSTART:20261207T100000Z"));
        assert!(ics.contains("DTEND:20261207T110000Z"));
        assert!(ics.contains("STATUS:CONFIRMED"));
        assert!(ics.contains("SEQUENCE:0"));
        assert!(ics.contains("ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:ann@x.test"));
        assert!(ics.contains("X-WR-TIMEZONE:Europe/London"));
    }

    #[test]
    fn a_cancellation_cancels_the_same_uid_with_a_higher_sequence() {
        let ics = calendar(Method::Cancel, &meeting(&[]));
        assert!(ics.contains("METHOD:CANCEL"));
        assert!(ics.contains("UID:00000000-0000-0000-0000-000000000000@cma"));
        assert!(ics.contains("STATUS:CANCELLED"));
        assert!(ics.contains("SEQUENCE:1"));
    }
}
