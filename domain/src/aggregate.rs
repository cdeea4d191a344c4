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

/// One rule of an error type: its code and how it is reported. Declared with
/// `refusal_enum!` next to each error type; a variant wrapping another
/// refusal is left out of [`strum::IntoEnumIterator::iter`], since its codes
/// are that refusal's.
pub trait Rule: Copy + Into<&'static str> + strum::IntoEnumIterator {
    fn kind(self) -> RefusalKind;
}

/// Declares an error type, its rules and how each is reported.
///
/// ```text
/// refusal_enum! {
///     /// The rules a quote command can break.
///     pub enum QuoteError: QuoteRule, wrapping Access(AccessDenied) => Forbidden {
///         #[error("no such quote")]
///         QuoteNotFound => NotFound,
///         #[error("line {line}: {reason}")]
///         InvalidAmount { line: LineId, reason: AmountError } => Unprocessable,
///     }
/// }
/// ```
/// Each variant names the [`RefusalKind`] it is reported with after `=>`.
/// The rules type (`QuoteRule`) has one unit variant per error variant,
/// derived with `strum::EnumDiscriminants`: its code is the variant's name in
/// kebab case, or the one a variant sets with
/// `#[strum_discriminants(strum(serialize = "quote-name-missing"))]`.
/// `wrapping Access(AccessDenied) => Forbidden` adds a variant that carries
/// another refusal (`From` it, its message, its code); its kind is given
/// once for all its rules.
macro_rules! refusal_enum {
    (
        $(#[$meta:meta])*
        pub enum $error:ident: $rule:ident
            $(, wrapping $wrapper:ident($inner:ty) => $wrapper_kind:ident)? {
            $( $(#[$variant_meta:meta])*
               $variant:ident $(( $($tuple:tt)* ))? $({ $($named:tt)* })? => $kind:ident ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::EnumDiscriminants)]
        #[strum_discriminants(
            name($rule),
            derive(strum::EnumIter, strum::IntoStaticStr),
            strum(serialize_all = "kebab-case")
        )]
        pub enum $error {
            $(
                #[error(transparent)]
                #[strum_discriminants(strum(disabled))]
                $wrapper(#[from] $inner),
            )?
            $( $(#[$variant_meta])* $variant $(( $($tuple)* ))? $({ $($named)* })?, )+
        }

        impl $crate::aggregate::Rule for $rule {
            fn kind(self) -> $crate::aggregate::RefusalKind {
                match self {
                    $( Self::$wrapper => $crate::aggregate::RefusalKind::$wrapper_kind, )?
                    $( Self::$variant => $crate::aggregate::RefusalKind::$kind, )+
                }
            }
        }

        impl $crate::aggregate::Refusal for $error {
            type Rule = $rule;

            fn rule(&self) -> $rule {
                self.into()
            }

            $(
                fn code(&self) -> &'static str {
                    match self {
                        Self::$wrapper(refusal) => $crate::aggregate::Refusal::code(refusal),
                        other => $crate::aggregate::Refusal::rule(other).into(),
                    }
                }
            )?
        }
    };
}
pub(crate) use refusal_enum;
