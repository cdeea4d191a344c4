//! The conversation's decisions.

use super::commands::ConversationCommand;
use super::errors::ConversationError;
use super::events::{ConversationEvent, MarkedRead, MessagePosted};
use super::state::{Conversation, Side};
use crate::access::{By, Section};
use crate::ids::ClientId;

/// Longest message, in characters (after trimming).
pub const MAX_MESSAGE_CHARS: usize = 10_000;

pub fn decide(
    conversation: &Conversation,
    command: ConversationCommand,
) -> Result<Vec<ConversationEvent>, ConversationError> {
    match command {
        ConversationCommand::Post {
            message,
            client,
            by,
            text,
        } => {
            admit(conversation, client, by)?;
            let text = normalize_text(&text);
            if text.is_empty() {
                return Err(ConversationError::EmptyMessage);
            }
            if crate::text::refused_char(&text, crate::text::Lines::Many).is_some() {
                return Err(ConversationError::HiddenCharacters);
            }
            if text.chars().count() > MAX_MESSAGE_CHARS {
                return Err(ConversationError::MessageTooLong {
                    max: MAX_MESSAGE_CHARS,
                });
            }
            let posted = MessagePosted {
                message,
                client,
                author: by.author(),
                text,
            };
            match conversation.message(message) {
                None => Ok(vec![ConversationEvent::Posted(posted)]),
                Some(existing) if *existing == posted => Ok(vec![]),
                Some(_) => Err(ConversationError::MessageExists(message)),
            }
        }
        ConversationCommand::MarkRead { client, by, up_to } => {
            admit(conversation, client, by)?;
            let side = Side::of(by.author());
            let position = conversation
                .position(up_to)
                .ok_or(ConversationError::UnknownMessage(up_to))?;
            if position <= conversation.read(side) {
                return Ok(vec![]);
            }
            Ok(vec![ConversationEvent::MarkedRead(MarkedRead {
                client,
                side,
                up_to,
                by: by.author(),
            })])
        }
    }
}

/// Messages on: a client only in their own thread; staff in any of their team's.
fn admit(conversation: &Conversation, client: ClientId, by: By) -> Result<(), ConversationError> {
    by.require(Section::Messages)?;
    let own = match by {
        By::Staff(_) => true,
        By::Client(portal) => portal.client == client,
    };
    if !own || conversation.client.is_some_and(|c| c != client) {
        return Err(ConversationError::UnknownConversation);
    }
    Ok(())
}

/// Trims the text, turns CRLF and CR into LF, and drops control characters
/// other than line feed and tab.
pub fn normalize_text(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let kept: String = unified
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    kept.trim().to_owned()
}
