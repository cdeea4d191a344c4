//! Booking confirmed and cancelled (docs/product.md §8.3, §8.4): to the client and
//! to staff, each with the appointment's calendar entry.

use super::{brand, business_reply_to, client_reply_to, contact_email, local_time, staff_emails};
use crate::email::body::Block;
use crate::email::draft::ReplyTo;
use crate::email::draft::{Calendar, Draft};
use crate::email::ics::{self, Meeting, Method};
use crate::email::kind::EmailKind;
use cma_domain::Timestamp;
use cma_domain::ids::AppointmentId;
use cma_domain::team::Team;

/// One appointment and who it is with.
#[derive(Clone, Debug)]
pub struct Booking<'a> {
    pub appointment: AppointmentId,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub title: Option<&'a str>,
    pub client_name: &'a str,
    /// Where the client gets email, if anywhere.
    pub client_email: Option<&'a str>,
    /// When the booking or cancellation was recorded.
    pub recorded_at: Timestamp,
    /// The organiser's address when the business has no contact address.
    pub organizer_email: &'a str,
}

/// "Your meeting is booked" to the client, "{client} booked" to staff.
pub fn confirmed(team: &Team, booking: &Booking<'_>) -> Vec<Draft> {
    let when = when(team, booking);
    drafts(
        team,
        booking,
        Method::Request,
        EmailKind::BookingConfirmed,
        (
            format!("Your meeting with {} is booked", team.business_name),
            format!(
                "Your meeting with {} is booked for {when}.",
                team.business_name
            ),
        ),
        (
            format!("Meeting booked with {}", booking.client_name),
            format!(
                "A meeting with {} is booked for {when}.",
                booking.client_name
            ),
        ),
    )
}

/// "Your meeting is cancelled" to the client and to staff.
pub fn cancelled(team: &Team, booking: &Booking<'_>) -> Vec<Draft> {
    let when = when(team, booking);
    drafts(
        team,
        booking,
        Method::Cancel,
        EmailKind::BookingCancelled,
        (
            format!("Your meeting with {} is cancelled", team.business_name),
            format!(
                "Your meeting with {} on {when} is cancelled.",
                team.business_name
            ),
        ),
        (
            format!("Meeting cancelled with {}", booking.client_name),
            format!(
                "The meeting with {} on {when} is cancelled.",
                booking.client_name
            ),
        ),
    )
}

fn when(team: &Team, booking: &Booking<'_>) -> String {
    let end = local_time(booking.ends_at, team);
    let end_clock = end.rsplit(", ").next().unwrap_or(&end).to_owned();
    format!(
        "{}–{end_clock} ({})",
        local_time(booking.starts_at, team),
        team.schedule.time_zone
    )
}

fn drafts(
    team: &Team,
    booking: &Booking<'_>,
    method: Method,
    kind: EmailKind,
    (client_subject, client_line): (String, String),
    (staff_subject, staff_line): (String, String),
) -> Vec<Draft> {
    let summary = booking.title.map_or_else(
        || format!("{} – {}", team.business_name, booking.client_name),
        str::to_owned,
    );
    let attendees: Vec<String> = booking
        .client_email
        .map(str::to_owned)
        .into_iter()
        .collect();
    let calendar = Calendar {
        method,
        ics: ics::calendar(
            method,
            &Meeting {
                appointment: booking.appointment,
                starts_at: booking.starts_at,
                ends_at: booking.ends_at,
                summary: &summary,
                description: &format!("Meeting with {}", team.business_name),
                time_zone: &team.schedule.time_zone,
                organizer_name: &team.business_name,
                organizer_email: contact_email(team).unwrap_or(booking.organizer_email),
                attendees: &attendees,
                stamp: booking.recorded_at,
            },
        ),
    };
    let draft =
        |recipients: Vec<String>, subject: String, line: String, reply_to: Option<ReplyTo>| Draft {
            kind,
            team: team.id,
            recipients,
            subject,
            blocks: vec![
                Block::Para(line),
                Block::Para("The calendar entry is attached.".to_owned()),
            ],
            brand: brand(team),
            calendar: Some(calendar.clone()),
            reply_to,
        };
    let mut out = Vec::new();
    if let Some(client) = booking.client_email {
        out.push(draft(
            vec![client.to_owned()],
            client_subject,
            client_line,
            business_reply_to(team),
        ));
    }
    out.push(draft(
        staff_emails(team),
        staff_subject,
        staff_line,
        client_reply_to(booking.client_name, booking.client_email),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cma_domain::team::StaffMember;
    use cma_domain::testing::fixtures::at;

    fn team() -> Team {
        Team {
            business_name: "Pipe & Co".to_owned(),
            staff: vec![StaffMember {
                staff: cma_domain::ids::StaffId::new(),
                name: "Bob".to_owned(),
                email: "bob@pipe.test".to_owned(),
            }],
            ..Team::default()
        }
    }

    fn booking() -> Booking<'static> {
        Booking {
            appointment: AppointmentId::new(),
            starts_at: at("2026-07-06T09:00:00Z"),
            ends_at: at("2026-07-06T10:00:00Z"),
            title: None,
            client_name: "Ann",
            client_email: Some("ann@x.test"),
            recorded_at: at("2026-07-01T09:00:00Z"),
            organizer_email: "portal@pipe.test",
        }
    }

    #[test]
    fn a_booking_tells_both_sides_in_the_business_time_zone() {
        let drafts = confirmed(&team(), &booking());
        assert_eq!(drafts.len(), 2);
        assert_eq!(drafts[0].recipients, ["ann@x.test"]);
        assert_eq!(drafts[1].recipients, ["bob@pipe.test"]);
        assert_eq!(
            drafts[0].blocks[0],
            Block::Para(
                "Your meeting with Pipe & Co is booked for Monday 6 July 2026, 10:00–11:00 (Europe/London)."
                    .to_owned()
            )
        );
        for d in &drafts {
            let cal = d
                .calendar
                .as_ref()
                .map(|c| (c.method, c.ics.contains("METHOD:REQUEST")));
            assert_eq!(cal, Some((Method::Request, true)));
        }
    }

    #[test]
    fn a_cancellation_sends_a_cancel_for_the_same_entry() {
        let b = booking();
        let sent = confirmed(&team(), &b);
        let cancel = cancelled(&team(), &b);
        let uid = format!("UID:{}", ics::uid(b.appointment));
        assert!(
            sent[0]
                .calendar
                .as_ref()
                .is_some_and(|c| c.ics.contains(&uid))
        );
        assert!(
            cancel[0]
                .calendar
                .as_ref()
                .is_some_and(|c| c.ics.contains(&uid) && c.method == Method::Cancel)
        );
        assert_eq!(cancel[1].kind, EmailKind::BookingCancelled);
    }

    #[test]
    fn a_client_without_email_leaves_only_the_staff_email() {
        let b = Booking {
            client_email: None,
            ..booking()
        };
        let drafts = confirmed(&team(), &b);
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].recipients, ["bob@pipe.test"]);
    }
}
