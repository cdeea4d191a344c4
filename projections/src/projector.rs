//! The projector contract. A projector owns some tables and turns a batch
//! of events into writes on them, inside a transaction the runner opens;
//! the runner owns batching, the checkpoint and the single-active lease.

use crate::error::ProjectionError;
use crate::tx::Tx;
use async_trait::async_trait;
use cma_domain::Aggregate;
use cma_store::Recorded;

#[async_trait]
pub trait Projector: Send + Sync + 'static {
    /// Stable name: the checkpoint row and the lease key.
    fn name(&self) -> &'static str;

    /// The tables this projector alone writes (rebuilt and swapped together).
    fn tables(&self) -> &'static [&'static str];

    /// Applies `events` (in position order, possibly none of interest) to
    /// the tables named by `tables`, inside a transaction. The transaction
    /// begins at the first statement and holds the read database's one
    /// writer until the batch commits: a projector that needs more than the
    /// events (the worker's followers read the log) gets it before its first
    /// statement.
    async fn apply(
        &self,
        tx: &mut dyn Tx,
        tables: &TableNames,
        events: &[Recorded],
    ) -> Result<(), ProjectionError>;
}

/// Where a projector writes: the live tables, or the shadow copies a rebuild fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableNames {
    suffix: &'static str,
}

impl TableNames {
    pub const LIVE: TableNames = TableNames { suffix: "" };
    pub const SHADOW: TableNames = TableNames {
        suffix: "__rebuild",
    };

    /// The physical name of `table`.
    pub fn of(&self, table: &str) -> String {
        format!("{table}{}", self.suffix)
    }
}

/// Decodes a recorded event of stream kind `A`; `None` for another stream's
/// event, which is not even decoded.
pub fn decode<A: Aggregate>(recorded: &Recorded) -> Result<Option<A::Event>, ProjectionError> {
    if !recorded.stream.is_in(A::CATEGORY) {
        return Ok(None);
    }
    decode_as::<A::Event>(recorded).map(Some)
}

/// Decodes a recorded event of any stream.
pub fn decode_event(recorded: &Recorded) -> Result<cma_domain::Event, ProjectionError> {
    decode_as(recorded)
}

fn decode_as<E: cma_domain::EventCodec>(recorded: &Recorded) -> Result<E, ProjectionError> {
    recorded
        .decode::<E>()
        .map_err(|source| ProjectionError::Decode {
            position: recorded.position,
            source,
        })
}

/// The id part of an event's stream (`diary-{team}` → the team id).
pub fn stream_id<T: std::str::FromStr>(recorded: &Recorded) -> Result<T, ProjectionError> {
    let raw = recorded.stream.as_str();
    raw.split_once('-')
        .and_then(|(_, id)| id.parse().ok())
        .ok_or_else(|| ProjectionError::corrupt("stream id", raw))
}

/// Events of one kind of stream, in order, each with its stream's id.
pub type StreamEvents<'r, Id, E> = Vec<(Id, &'r Recorded, E)>;

/// [`StreamEvents`], and the ids of the streams to read back.
pub type StreamsToLoad<'r, Id, E> = (StreamEvents<'r, Id, E>, Vec<String>);

/// The events of `A`'s streams in a batch, in order, each with the id of
/// its stream (other streams' events are not even decoded).
pub fn events_of<A: Aggregate, Id: std::str::FromStr>(
    events: &[Recorded],
) -> Result<StreamEvents<'_, Id, A::Event>, ProjectionError> {
    let mut mine = Vec::new();
    for recorded in events {
        if let Some(event) = decode::<A>(recorded)? {
            mine.push((stream_id(recorded)?, recorded, event));
        }
    }
    Ok(mine)
}

/// [`events_of`], and the ids of the streams whose first event here does
/// not start them (`starts` is false for it): a view reads their kept state
/// back before folding.
pub fn streams_of<A: Aggregate, Id>(
    events: &[Recorded],
    starts: fn(&A::Event) -> bool,
) -> Result<StreamsToLoad<'_, Id, A::Event>, ProjectionError>
where
    Id: std::str::FromStr + std::hash::Hash + Eq + Copy + std::fmt::Display,
{
    let mine = events_of::<A, Id>(events)?;
    let mut seen = std::collections::HashSet::new();
    let to_load = mine
        .iter()
        .filter(|(stream, _, event)| seen.insert(*stream) && !starts(event))
        .map(|(stream, ..)| stream.to_string())
        .collect();
    Ok((mine, to_load))
}
