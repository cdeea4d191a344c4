//! An email decided on but not yet addressed: what every composer returns.

use super::body::{Block, Brand};
use super::ics::Method;
use super::kind::EmailKind;
use cma_domain::ids::TeamId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub kind: EmailKind,
    /// The team whose staff see the email in their list.
    pub team: TeamId,
    /// Each recipient gets a message of their own.
    pub recipients: Vec<String>,
    pub subject: String,
    pub blocks: Vec<Block>,
    pub brand: Brand,
    /// The `.ics` attachment of booking emails.
    pub calendar: Option<Calendar>,
    /// Where an answer goes: the business's contact address on emails to a
    /// client, the client's address on emails to staff about a client.
    pub reply_to: Option<ReplyTo>,
}

/// A named address answers are sent to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyTo {
    pub name: String,
    pub email: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    pub method: Method,
    pub ics: String,
}
