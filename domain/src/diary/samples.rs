//! One value of every diary event, for golden fixtures and docs.

use super::events::*;
use crate::access::Author;
use crate::ids::{AppointmentId, ClientId, StaffId};
use crate::time::Timestamp;
use uuid::Uuid;

pub fn events() -> Vec<DiaryEvent> {
    let booked = AppointmentId(Uuid::from_u128(0xd1a7_0001));
    let added = AppointmentId(Uuid::from_u128(0xd1a7_0002));
    let client = ClientId(Uuid::from_u128(0xc1_0001));
    let staff = StaffId(Uuid::from_u128(0x57_0001));
    let t = |micros: i64| Timestamp::from_micros(micros).expect("sample instant");
    vec![
        DiaryEvent::Booked(AppointmentBooked {
            appointment: booked,
            client,
            starts_at: t(1_774_515_600_000_000),
            ends_at: t(1_774_519_200_000_000),
        }),
        DiaryEvent::Added(AppointmentAdded {
            appointment: added,
            by: staff,
            client: Some(client),
            title: Some("Survey the loft".to_owned()),
            starts_at: t(1_774_602_000_000_000),
            ends_at: t(1_774_609_200_000_000),
        }),
        DiaryEvent::WindowClosed(CancellationWindowClosed {
            appointment: booked,
        }),
        DiaryEvent::Cancelled(AppointmentCancelled {
            appointment: added,
            by: Author::Staff(staff),
        }),
        DiaryEvent::Completed(AppointmentCompleted {
            appointment: booked,
        }),
    ]
}
