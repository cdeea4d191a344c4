//! The PostgreSQL writer's batch: one statement, `cma_append`
//! (`migrations/postgres/events/0002_append_function.sql`, given series in
//! `0004_append_series.sql`), run in autocommit. The server takes the
//! ordering lock, judges each append against the log as the earlier ones of
//! the batch left it (refusing those of a broken series), numbers its
//! events, chains their hashes from the stream's last hash as the log holds
//! it, inserts them and announces the new head; the commit ends the
//! statement. A batch costs one round trip, and the writer remembers nothing
//! of the log between batches, so writers in several processes never work
//! from a stale stream head.

use super::PgWriter;
use crate::committer::{Outcome, Request};
use crate::envelope::Position;
use crate::sql::to_i64;
use crate::store::{AppendError, Appended, Expected, Series, StoreError};
use sqlx::postgres::PgBindIterExt;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// The batch's appends (stream, expected version, event count, series),
/// the series broken before the batch, and then the appends' events, one
/// array per column.
const APPEND: &str = "SELECT item, outcome, version, first_position, duplicate, head \
     FROM cma_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";

/// What `cma_append` answers for one append: its place in the batch (from
/// 1), `appended`, `conflict` or `duplicate`, the stream's version after it
/// (or found, for a conflict), the first position it took, the id found
/// recorded (for a duplicate), and the log's head.
type Answer = (i32, String, Option<i64>, Option<i64>, Option<Uuid>, i64);

/// The version an append requires, as `cma_append` takes it (NULL: any).
fn required(expected: Expected) -> Option<i64> {
    match expected {
        Expected::Any => None,
        Expected::NoStream => Some(0),
        Expected::Exactly(version) => Some(to_i64(version)),
    }
}

/// Each request's series as a number within the batch (`None`: none), and
/// the numbers of those already broken.
fn series(requests: &[Request]) -> (Vec<Option<i32>>, Vec<i32>) {
    let mut numbers: HashMap<*const Series, i32> = HashMap::new();
    let mut broken = Vec::new();
    let of = requests
        .iter()
        .zip(0..)
        .map(|(r, i)| {
            let s = r.series.as_ref()?;
            Some(*numbers.entry(Arc::as_ptr(s)).or_insert_with(|| {
                if s.is_broken() {
                    broken.push(i);
                }
                i
            }))
        })
        .collect();
    (of, broken)
}

fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl PgWriter {
    pub(super) async fn try_commit(
        &mut self,
        requests: &[Request],
    ) -> Result<(Vec<Outcome>, Position), StoreError> {
        let counts = requests
            .iter()
            .map(|r| i32::try_from(r.events.len()))
            .collect::<Result<Vec<i32>, _>>()
            .map_err(|e| StoreError::because("an append of too many events", e))?;
        let (series, broken) = series(requests);
        let events = || requests.iter().flat_map(|r| &r.events);
        let query = sqlx::query_as::<_, Answer>(APPEND)
            .bind(requests.iter().map(|r| r.stream.as_str()).bind_iter())
            .bind(requests.iter().map(|r| required(r.expected)).bind_iter())
            .bind(counts)
            .bind(series)
            .bind(broken)
            .bind(events().map(|e| e.event_id).bind_iter())
            .bind(events().map(|e| e.event_type.as_str()).bind_iter())
            .bind(events().map(|e| i32::from(e.schema_version)).bind_iter())
            .bind(events().map(|e| e.recorded_at.as_micros()).bind_iter())
            .bind(events().map(|e| e.actor.kind()).bind_iter())
            .bind(events().map(|e| e.actor.id()).bind_iter())
            .bind(events().map(|e| e.metadata.correlation_id).bind_iter())
            .bind(events().map(|e| e.metadata.causation_id).bind_iter())
            .bind(events().map(|e| e.metadata.ip.as_deref()).bind_iter())
            .bind(
                events()
                    .map(|e| e.metadata.user_agent.as_deref())
                    .bind_iter(),
            )
            .bind(events().map(|e| e.payload.as_slice()).bind_iter());
        let (conn, ()) = self.connection().await?;
        let answers = query.fetch_all(conn).await?;
        outcomes(requests, answers)
    }
}

/// Each request's outcome from its answer, and the log's head.
fn outcomes(
    requests: &[Request],
    answers: Vec<Answer>,
) -> Result<(Vec<Outcome>, Position), StoreError> {
    if answers.len() != requests.len() {
        return Err(StoreError::backend(format!(
            "cma_append answered {} of {} appends",
            answers.len(),
            requests.len()
        )));
    }
    let mut head = 0;
    let mut outcomes = Vec::with_capacity(requests.len());
    for (i, (r, answer)) in requests.iter().zip(answers).enumerate() {
        let (item, outcome, version, first, duplicate, at) = answer;
        head = head.max(unsigned(at));
        let odd = || {
            StoreError::backend(format!(
                "cma_append answered {outcome:?} (version {version:?}, first position \
                 {first:?}, duplicate {duplicate:?}) for append {item}, expected {}",
                i + 1
            ))
        };
        if usize::try_from(item).ok() != Some(i + 1) {
            return Err(odd());
        }
        outcomes.push(match (outcome.as_str(), version, duplicate) {
            ("appended", Some(version), None) => {
                let positions = match first {
                    Some(first) => (unsigned(first)..).take(r.events.len()).collect(),
                    None if r.events.is_empty() => Vec::new(),
                    None => return Err(odd()),
                };
                Ok(Appended {
                    positions,
                    version: unsigned(version),
                })
            }
            ("conflict", Some(actual), None) => Err(AppendError::Conflict {
                stream: r.stream.clone(),
                expected: r.expected,
                actual: unsigned(actual),
            }),
            ("duplicate", _, Some(id)) => Err(AppendError::DuplicateEventId(id)),
            _ => return Err(odd()),
        });
    }
    Ok((outcomes, head))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::committer::tests::request;
    use crate::envelope::StreamId;

    #[test]
    fn a_batch_numbers_its_series_and_names_those_broken_before_it() {
        let stream = StreamId::new("note", Uuid::new_v4());
        let open = Arc::new(Series::default());
        let broken = Arc::new(Series::default());
        broken.break_off();
        let batch = [
            request(&stream, Expected::Any, 1, Some(&open)),
            request(&stream, Expected::Any, 1, None),
            request(&stream, Expected::Any, 1, Some(&broken)),
            request(&stream, Expected::Any, 1, Some(&open)),
            request(&stream, Expected::Any, 1, Some(&broken)),
        ];
        let (numbers, broken) = series(&batch);
        assert_eq!(numbers, [Some(0), None, Some(2), Some(0), Some(2)]);
        assert_eq!(broken, [2]);
    }
}
