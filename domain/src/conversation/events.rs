//! Facts recorded in a client's conversation stream.

use super::state::Side;
use crate::access::Author;
use crate::event_enum;
use crate::ids::{ClientId, MessageId};
use serde::{Deserialize, Serialize};

/// A message was posted to the client's thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessagePosted {
    pub message: MessageId,
    /// The client whose thread this is.
    pub client: ClientId,
    pub author: Author,
    /// Trimmed, non-empty, at most 10,000 characters.
    pub text: String,
}

/// One side has read the thread up to and including a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkedRead {
    pub client: ClientId,
    pub side: Side,
    pub up_to: MessageId,
    pub by: Author,
}

event_enum! {
    /// Events of a client's conversation stream.
    pub enum ConversationEvent {
        Posted(MessagePosted) = "MessagePosted" v 1,
        MarkedRead(MarkedRead) = "ConversationMarkedRead" v 1,
    }
}
