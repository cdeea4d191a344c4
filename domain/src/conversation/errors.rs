//! The rules a conversation command can break.

use crate::access::AccessDenied;
use crate::aggregate::{Refusal, RefusalKind, Rule};
use crate::ids::MessageId;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(ConversationRule),
    derive(strum::EnumIter, strum::IntoStaticStr),
    strum(serialize_all = "kebab-case")
)]
pub enum ConversationError {
    #[error(transparent)]
    #[strum_discriminants(strum(disabled))]
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

impl Rule for ConversationRule {
    fn kind(self) -> RefusalKind {
        use ConversationRule::*;
        match self {
            Access => RefusalKind::Forbidden,
            UnknownConversation | UnknownMessage => RefusalKind::NotFound,
            MessageExists => RefusalKind::Conflict,
            EmptyMessage | MessageTooLong | HiddenCharacters => RefusalKind::Unprocessable,
        }
    }
}

impl Refusal for ConversationError {
    type Rule = ConversationRule;

    fn rule(&self) -> ConversationRule {
        self.into()
    }

    fn code(&self) -> &'static str {
        match self {
            ConversationError::Access(e) => e.code(),
            other => other.rule().into(),
        }
    }
}
