//! The shape every stream's model takes: a pure decision and a pure fold.

use crate::codec::EventCodec;
use crate::time::Timestamp;

/// One event stream's state, the commands it accepts and the events it records.
///
/// `decide` reads no clock and does no IO: time arrives as `now`, and facts
/// owned by other streams arrive inside the command, loaded by the
/// application service.
pub trait Aggregate: Default + Clone + Send + Sync + 'static {
    /// Stream category; a stream id is `{CATEGORY}-{uuid}`.
    const CATEGORY: &'static str;
    type Command;
    type Event: EventCodec + Clone + std::fmt::Debug + Send + Sync + 'static;
    type Error: Refusal;

    /// The events a command records, or the rule it breaks. An empty list
    /// means the command changes nothing (it is already in effect).
    fn decide(
        &self,
        command: Self::Command,
        now: Timestamp,
    ) -> Result<Vec<Self::Event>, Self::Error>;

    /// The state after one event. Never fails: recorded events are facts.
    fn evolve(self, event: &Self::Event) -> Self;

    /// The state after a sequence of events, from the empty stream.
    fn replay<'a>(events: impl IntoIterator<Item = &'a Self::Event>) -> Self {
        events.into_iter().fold(Self::default(), Self::evolve)
    }
}

/// How a refused command should be reported to whoever sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// Unusable input the caller cannot fix by retrying with the same value:
    /// an unknown, used or expired invite or reset token (one answer for all).
    BadRequest,
    /// The target does not exist, or is outside the caller's scope.
    NotFound,
    /// The caller may not do this (section off, suspended portal, wrong role).
    Forbidden,
    /// The current state forbids it (locked quote, slot taken, withdrawn).
    Conflict,
    /// Well-formed but against a business rule (unsaved email, negative quantity).
    Unprocessable,
}

/// A typed domain error that names the broken rule.
pub trait Refusal: std::error::Error + Send + Sync + 'static {
    /// The error's variants without their details, one per rule.
    type Rule: Rule;

    /// The rule this error breaks.
    fn rule(&self) -> Self::Rule;

    fn kind(&self) -> RefusalKind {
        self.rule().kind()
    }

    /// The broken rule's stable code, the variant's name in kebab case
    /// (`QuoteError::AlreadyAccepted` is `already-accepted`): the API's
    /// problem type (docs/api.md, Problem types). A variant wrapping another
    /// refusal answers that one's code.
    fn code(&self) -> &'static str {
        self.rule().into()
    }
}

/// One rule of an error type: its code and how it is reported. Derived with
/// `strum::EnumDiscriminants` next to each error type; a variant wrapping
/// another refusal is left out of [`strum::IntoEnumIterator::iter`]
/// (`#[strum_discriminants(strum(disabled))]`), since its codes are that
/// refusal's.
pub trait Rule: Copy + Into<&'static str> + strum::IntoEnumIterator {
    fn kind(self) -> RefusalKind;
}
