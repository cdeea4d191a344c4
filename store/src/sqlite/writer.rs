//! The SQLite writer's batch: one transaction that reads the stream heads
//! it does not remember, checks and numbers every append, and inserts the
//! events chained in Rust ([`crate::committer::plan`]).

use super::SqliteWriter;
use crate::committer::{Head, Outcome, Request, event_ids, plan};
use crate::envelope::{Position, StreamId};
use crate::sql::{to_hash, to_i64};
use crate::store::StoreError;
use std::collections::{HashMap, HashSet};

/// Stream heads the writer remembers before starting afresh.
const MAX_CACHED_HEADS: usize = 100_000;

/// Rows inserted per statement (16 parameters each, within SQLite's limit).
const INSERT_CHUNK: usize = 1000;

/// The stream heads the writer wrote. They stay valid while the log's head
/// is the one this writer last committed (nobody else appended in between).
#[derive(Default)]
pub struct Heads {
    streams: HashMap<StreamId, Head>,
    log_head: Option<Position>,
}

impl SqliteWriter {
    pub(super) async fn try_commit(
        &mut self,
        requests: &[Request],
    ) -> Result<(Vec<Outcome>, Position), StoreError> {
        use sqlx::Connection;
        let (conn, cache) = self.connection().await?;
        let mut tx = conn.begin().await?;
        let max: Option<i64> = sqlx::query_scalar("SELECT MAX(position) FROM events")
            .fetch_one(&mut *tx)
            .await?;
        let current = u64::try_from(max.unwrap_or(0)).unwrap_or(0);
        if cache.log_head != Some(current) || cache.streams.len() > MAX_CACHED_HEADS {
            cache.streams.clear();
        }
        for r in requests {
            if cache.streams.contains_key(&r.stream) {
                continue;
            }
            let row: Option<(i64, Vec<u8>)> = sqlx::query_as(
                "SELECT stream_version, hash FROM events WHERE stream_id = $1 \
                 ORDER BY stream_version DESC LIMIT 1",
            )
            .bind(r.stream.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            let head = match row {
                None => Head::EMPTY,
                Some((version, hash)) => Head {
                    version: u64::try_from(version).unwrap_or(0),
                    hash: to_hash(&hash).unwrap_or(crate::chain::GENESIS),
                },
            };
            cache.streams.insert(r.stream.clone(), head);
        }
        // Event ids are the callers': one already recorded fails only its
        // own append, not the batch (on the unique index).
        let mut recorded = HashSet::new();
        let ids = event_ids(requests);
        for chunk in ids.chunks(INSERT_CHUNK) {
            let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                "SELECT event_id FROM events WHERE event_id IN (",
            );
            let mut list = q.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            q.push(")");
            let found: Vec<uuid::Uuid> = q.build_query_scalar().fetch_all(&mut *tx).await?;
            recorded.extend(found);
        }
        let next = current + 1;
        let (rows, outcomes) = plan(requests, &mut cache.streams, &recorded, next);
        let head = rows.last().map_or(next - 1, |r| r.position);
        for chunk in rows.chunks(INSERT_CHUNK) {
            let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                "INSERT INTO events (position, stream_id, stream_version, event_id, \
                 event_type, schema_version, recorded_at, actor_kind, actor_id, \
                 correlation_id, causation_id, ip, user_agent, payload, prev_hash, hash) ",
            );
            q.push_values(chunk, |mut b, r| {
                let e = r.event;
                b.push_bind(to_i64(r.position))
                    .push_bind(r.stream.as_str().to_owned())
                    .push_bind(to_i64(r.version))
                    .push_bind(e.event_id)
                    .push_bind(e.event_type.clone())
                    .push_bind(i32::from(e.schema_version))
                    .push_bind(e.recorded_at.as_micros())
                    .push_bind(e.actor.kind())
                    .push_bind(e.actor.id())
                    .push_bind(e.metadata.correlation_id)
                    .push_bind(e.metadata.causation_id)
                    .push_bind(e.metadata.ip.clone())
                    .push_bind(e.metadata.user_agent.clone())
                    .push_bind(e.payload.clone())
                    .push_bind(r.prev_hash.to_vec())
                    .push_bind(r.hash.to_vec());
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        cache.log_head = Some(head);
        Ok((outcomes, head))
    }
}
