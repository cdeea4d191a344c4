//! One value of every conversation event, for golden fixtures and docs.

use super::events::*;
use super::state::Side;
use crate::access::Author;
use crate::ids::{ClientId, MessageId, StaffId};
use uuid::Uuid;

pub fn events() -> Vec<ConversationEvent> {
    let client = ClientId(Uuid::from_u128(0xc1_0001));
    let first = MessageId(Uuid::from_u128(0x3e55_0001));
    vec![
        ConversationEvent::Posted(MessagePosted {
            message: first,
            client,
            author: Author::Client(client),
            text: "Could you also look at the boiler?".to_owned(),
        }),
        ConversationEvent::MarkedRead(MarkedRead {
            client,
            side: Side::Staff,
            up_to: first,
            by: Author::Staff(StaffId(Uuid::from_u128(0x57_0001))),
        }),
    ]
}
