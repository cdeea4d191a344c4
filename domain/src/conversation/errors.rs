//! The rules a conversation command can break.

use crate::access::AccessDenied;
use crate::aggregate::{Refusal, RefusalKind};
use crate::ids::MessageId;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConversationError {
    #[error(transparent)]
    Access(#[from] AccessDenied),
    /// A client addressing another client's thread (existence is not revealed).
    #[error("no such conversation")]
    UnknownConversation,
    #[error("a message must not be empty")]
    EmptyMessage,
    #[error("a message has at most {max} characters")]
    MessageTooLong { max: usize },
    #[error("a message may not hold bidirectional or invisible characters")]
    HiddenCharacters,
    #[error("message {0} already exists")]
    MessageExists(MessageId),
    #[error("no message {0} in this conversation")]
    UnknownMessage(MessageId),
}

impl Refusal for ConversationError {
    fn kind(&self) -> RefusalKind {
        match self {
            ConversationError::Access(e) => e.kind(),
            ConversationError::UnknownConversation | ConversationError::UnknownMessage(_) => {
                RefusalKind::NotFound
            }
            ConversationError::MessageExists(_) => RefusalKind::Conflict,
            ConversationError::EmptyMessage
            | ConversationError::MessageTooLong { .. }
            | ConversationError::HiddenCharacters => RefusalKind::Unprocessable,
        }
    }
}
