//! Given / when / then for decisions: every rule reads as a sentence.
//!
//! ```text
//! given::<Quote>([sent_quote()])
//!     .at(now)
//!     .when(toggle(line, false))
//!     .then_refused(QuoteError::LineNotOptional(line));
//! ```
//!
//! [`fixtures`] builds the small values tests write out. Test-only: built
//! for the domain's own tests and, with the `samples` feature, for other
//! crates' tests.

pub mod fixtures;

use crate::aggregate::Aggregate;
use crate::time::Timestamp;

/// Starts a scenario from the events already in the stream.
pub fn given<A: Aggregate>(events: impl IntoIterator<Item = A::Event>) -> Given<A> {
    let history: Vec<A::Event> = events.into_iter().collect();
    Given {
        state: A::replay(&history),
        now: fixtures::now(),
    }
}

pub struct Given<A: Aggregate> {
    state: A,
    now: Timestamp,
}

impl<A: Aggregate> Given<A> {
    /// The instant the command is decided at.
    pub fn at(mut self, now: Timestamp) -> Self {
        self.now = now;
        self
    }

    pub fn when(self, command: A::Command) -> When<A> {
        When {
            outcome: self.state.decide(command, self.now),
            state: self.state,
        }
    }

    pub fn state(&self) -> &A {
        &self.state
    }
}

pub struct When<A: Aggregate> {
    state: A,
    outcome: Result<Vec<A::Event>, A::Error>,
}

impl<A: Aggregate> When<A>
where
    A::Event: PartialEq,
    A::Error: PartialEq,
{
    /// Asserts the exact events recorded; returns the state after them.
    #[track_caller]
    pub fn then(self, expected: impl IntoIterator<Item = A::Event>) -> A {
        let expected: Vec<A::Event> = expected.into_iter().collect();
        match self.outcome {
            Ok(events) => {
                assert_eq!(events, expected, "recorded events differ");
                events.iter().fold(self.state, A::evolve)
            }
            Err(e) => panic!("expected events {expected:?}, command was refused: {e:?}"),
        }
    }

    /// Asserts the command is accepted and changes nothing.
    #[track_caller]
    pub fn then_nothing(self) -> A {
        self.then([])
    }

    /// Asserts the command is refused with exactly this error.
    #[track_caller]
    pub fn then_refused(self, expected: A::Error) {
        match self.outcome {
            Ok(events) => panic!("expected refusal {expected:?}, got events {events:?}"),
            Err(e) => assert_eq!(e, expected, "refused for another reason"),
        }
    }

    /// The raw outcome, for assertions on computed fields (hashes, totals).
    pub fn outcome(self) -> Result<Vec<A::Event>, A::Error> {
        self.outcome
    }
}
