//! A client's thread as folded from its events, and unread counts.

use super::commands::ConversationCommand;
use super::errors::ConversationError;
use super::events::{ConversationEvent, MessagePosted};
use crate::access::Author;
use crate::aggregate::Aggregate;
use crate::ids::{ClientId, MessageId};
use crate::time::Timestamp;
use imbl::Vector;
use serde::{Deserialize, Serialize};

/// A side of the conversation; all staff of a team share one side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Side {
    Staff,
    Client,
}

impl Side {
    pub fn of(author: Author) -> Self {
        match author {
            Author::Staff(_) => Side::Staff,
            Author::Client(_) => Side::Client,
        }
    }
}

/// Unread messages for `reader`: the other side's messages among those after
/// the first `read` messages of a thread whose messages have `authors`, in order.
pub fn unread_count(authors: impl IntoIterator<Item = Side>, read: usize, reader: Side) -> usize {
    authors
        .into_iter()
        .skip(read)
        .filter(|side| *side != reader)
        .count()
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Conversation {
    /// The client whose thread this is, once anything was recorded.
    pub client: Option<ClientId>,
    /// Messages in the order posted, in a vector whose copies share what
    /// they have in common, so a copy costs nothing of the thread's
    /// history (a command decided behind a queued one decides on a copy).
    pub messages: Vector<MessagePosted>,
    /// How many messages (from the start) the staff side has read.
    pub staff_read: usize,
    /// How many messages (from the start) the client side has read.
    pub client_read: usize,
}

impl Conversation {
    pub fn message(&self, id: MessageId) -> Option<&MessagePosted> {
        self.messages.iter().find(|m| m.message == id)
    }

    /// Position (from 1) of a message in the thread.
    pub fn position(&self, id: MessageId) -> Option<usize> {
        self.messages
            .iter()
            .position(|m| m.message == id)
            .map(|i| i + 1)
    }

    pub fn read(&self, side: Side) -> usize {
        match side {
            Side::Staff => self.staff_read,
            Side::Client => self.client_read,
        }
    }

    /// The other side's messages that `side` has not read.
    pub fn unread(&self, side: Side) -> usize {
        unread_count(
            self.messages.iter().map(|m| Side::of(m.author)),
            self.read(side),
            side,
        )
    }
}

impl Aggregate for Conversation {
    const CATEGORY: &'static str = "conversation";
    type Command = ConversationCommand;
    type Event = ConversationEvent;
    type Error = ConversationError;

    fn decide(
        &self,
        command: ConversationCommand,
        _now: Timestamp,
    ) -> Result<Vec<ConversationEvent>, ConversationError> {
        super::decide::decide(self, command)
    }

    fn evolve(mut self, event: &ConversationEvent) -> Self {
        match event {
            ConversationEvent::Posted(e) => {
                self.client = Some(e.client);
                self.messages.push_back(e.clone());
            }
            ConversationEvent::MarkedRead(e) => {
                self.client = Some(e.client);
                let read = self.position(e.up_to).unwrap_or(0);
                let marker = match e.side {
                    Side::Staff => &mut self.staff_read,
                    Side::Client => &mut self.client_read,
                };
                *marker = (*marker).max(read);
            }
        }
        self
    }
}
