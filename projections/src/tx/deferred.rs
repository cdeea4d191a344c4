//! A projector's transaction begun at its first statement, and only while
//! the projector's checkpoint is where the batch was read from: a batch
//! with nothing for the projector costs no transaction at all.

use crate::checkpoint;
use crate::db::ReadDb;
use crate::error::ProjectionError;
use crate::tx::Transaction;
use cma_store::Position;

/// Where a [`Deferred`] transaction is.
enum State {
    /// No statement yet.
    NotBegun,
    /// Begun, the checkpoint locked at the expected position.
    Begun(Box<dyn Transaction>),
    /// The checkpoint had moved: rolled back, every statement refused.
    Moved,
}

/// What became of a [`Deferred`] transaction once its batch was applied.
pub(crate) enum Outcome {
    /// Written: the transaction, to move the checkpoint in and commit.
    Written(Box<dyn Transaction>),
    /// No statement: nothing to commit.
    Nothing,
    /// The checkpoint was no longer at the expected position.
    Moved,
}

pub(crate) struct Deferred<'db> {
    db: &'db ReadDb,
    projector: &'static str,
    /// Where the projector's stored checkpoint must be.
    expected: Position,
    state: State,
}

impl<'db> Deferred<'db> {
    pub(crate) fn new(db: &'db ReadDb, projector: &'static str, expected: Position) -> Self {
        Self {
            db,
            projector,
            expected,
            state: State::NotBegun,
        }
    }

    /// The transaction, begun (and the checkpoint locked) on first use.
    async fn open(&mut self) -> Result<&mut Box<dyn Transaction>, ProjectionError> {
        if matches!(self.state, State::NotBegun) {
            let mut tx = self.db.begin().await?;
            if checkpoint::lock(tx.as_mut(), self.projector).await? == self.expected {
                self.state = State::Begun(tx);
            } else {
                self.state = State::Moved;
                tx.rollback().await?;
            }
        }
        match &mut self.state {
            State::Begun(tx) => Ok(tx),
            _ => Err(ProjectionError::CheckpointMoved),
        }
    }

    /// What the batch came to, whatever the projector made of a refusal.
    pub(crate) fn finish(self) -> Outcome {
        match self.state {
            State::NotBegun => Outcome::Nothing,
            State::Begun(tx) => Outcome::Written(tx),
            State::Moved => Outcome::Moved,
        }
    }
}

forward_tx!(Deferred<'_>, |deferred| deferred.open().await?);
