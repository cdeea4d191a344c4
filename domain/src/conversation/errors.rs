//! The rules a conversation command can break.

use crate::access::AccessDenied;
use crate::aggregate::refusal_enum;
use crate::ids::MessageId;

refusal_enum! {
    pub enum ConversationError: ConversationRule, wrapping Access(AccessDenied) => Forbidden {
        /// A client addressing another client's thread (existence is not revealed).
        #[error("no such conversation")]
        UnknownConversation => NotFound,
        #[error("a message must not be empty")]
        EmptyMessage => Unprocessable,
        #[error("a message has at most {max} characters")]
        MessageTooLong { max: usize } => Unprocessable,
        #[error("a message may not hold bidirectional or invisible characters")]
        HiddenCharacters => Unprocessable,
        #[error("message {0} already exists")]
        MessageExists(MessageId) => Conflict,
        #[error("no message {0} in this conversation")]
        UnknownMessage(MessageId) => NotFound,
    }
}
