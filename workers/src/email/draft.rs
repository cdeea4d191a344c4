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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    pub method: Method,
    pub ics: String,
}
