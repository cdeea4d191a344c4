//! What can be asked of a client's conversation.

use crate::access::By;
use crate::ids::{ClientId, MessageId};

#[derive(Debug, Clone, PartialEq)]
pub enum ConversationCommand {
    /// Post a message to `client`'s thread.
    Post {
        message: MessageId,
        client: ClientId,
        by: By,
        text: String,
    },
    /// Mark `client`'s thread read, for the sender's side, up to a message.
    MarkRead {
        client: ClientId,
        by: By,
        up_to: MessageId,
    },
}
