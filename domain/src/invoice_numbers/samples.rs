//! One value of every invoice-number event, for golden fixtures and docs.

use super::*;
use uuid::Uuid;

pub fn events() -> Vec<InvoiceNumbersEvent> {
    vec![InvoiceNumbersEvent::Assigned(InvoiceNumberAssigned {
        team: TeamId(Uuid::from_u128(0x7e_0001)),
        invoice: InvoiceId(Uuid::from_u128(0x1_0001)),
        number: 1,
        by: StaffId(Uuid::from_u128(0x57_0001)),
        at: Timestamp::from_micros(1_775_000_000_000_000).expect("sample instant"),
    })]
}
