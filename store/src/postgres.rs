//! The scale-out event log on PostgreSQL.
//!
//! Every append transaction first takes one transaction-scoped advisory lock,
//! then numbers its events from `MAX(position) + 1`. The lock is released only
//! after the commit is visible, so positions are gap-free and increase in
//! commit order across every process: a reader that has seen N never later
//! sees a new event below N. Within a process, the group committer puts all
//! waiting appends into one such transaction: one call of the stored function
//! `cma_append` in autocommit (`postgres/writer.rs`), which takes the lock,
//! checks each append, chains and inserts its events, and announces the
//! commit with `NOTIFY cma_events` so followers in other processes wake at
//! once.

mod copy;
mod writer;

use crate::committer::Committer;
use crate::envelope::{Position, Recorded, StreamId, Version};
use crate::sql::{Columns, LogReader, columns, recorded, stored, to_i64};
use crate::store::{EventStore, StoreError, Visitor};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions, PgRow};
use sqlx::{ConnectOptions, PgConnection, PgPool, Row};
use std::str::FromStr;
use tokio::sync::watch;
use uuid::Uuid;

/// The notification channel carrying the new head after each commit (named
/// again in `cma_append`, migrations/postgres/events/0004_append_series.sql).
pub const CHANNEL: &str = "cma_events";

crate::sql::sql_event_log!(
    PgWriter,
    PgStore,
    PgConnection,
    PgConnectOptions,
    PgReader,
    (),
    probe
);

/// A write that must reach the write-ahead log: a transaction that takes a
/// transaction id commits a record, so the probe fails while the server
/// cannot commit (or the connection is gone).
async fn probe(conn: &mut PgConnection) -> Result<(), StoreError> {
    sqlx::query("SELECT txid_current()").execute(conn).await?;
    Ok(())
}

impl PgStore {
    /// Connects to the database at `url`, migrating the event log if needed.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect_with(options.clone())
            .await?;
        crate::migrations::postgres(&pool).await?;
        let conn = options.connect().await?;
        let (committed, _) = watch::channel::<Position>(0);
        // Its own connection, so closing the pool never waits on the listener.
        let mut listener = PgListener::connect(url).await?;
        listener.listen(CHANNEL).await?;
        let follower = tokio::spawn(follow_notifications(listener, committed.clone()));
        let store = Self {
            committer: Committer::start(PgWriter::new(options, conn), committed.clone()),
            reader: PgReader(pool),
            committed,
            background: vec![follower],
        };
        store.committed.send_replace(store.head().await?);
        Ok(store)
    }
}

impl<'r> Columns<'r> for &'r PgRow {
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        Ok(self.try_get(i)?)
    }

    /// `schema_version` is an INTEGER.
    fn small_int(&self, i: usize) -> Result<i64, StoreError> {
        Ok(i64::from(self.try_get::<i32, _>(i)?))
    }

    fn text(&self, i: usize) -> Result<Option<&'r str>, StoreError> {
        Ok(self.try_get(i)?)
    }

    fn bytes(&self, i: usize) -> Result<Option<&'r [u8]>, StoreError> {
        Ok(self.try_get(i)?)
    }

    fn uuid(&self, i: usize) -> Result<Option<Uuid>, StoreError> {
        Ok(self.try_get(i)?)
    }
}

/// Where `read_streams_after`'s rows carry the number of the pair they
/// answer: after the event's own columns.
const WANTED_COLUMN: usize = crate::sql::COLUMN_NAMES.len();

/// Reads the log through a connection pool; the log in position order as
/// binary `COPY` (`postgres/copy.rs`).
pub struct PgReader(PgPool);

#[async_trait::async_trait]
impl LogReader for PgReader {
    /// The one-pair case of `read_streams_after`: one statement text for
    /// every read of streams.
    async fn read_stream_after(
        &self,
        stream: &StreamId,
        after: Version,
    ) -> Result<Vec<Recorded>, StoreError> {
        let mut read = self.read_streams_after(&[(stream.clone(), after)]).await?;
        Ok(read.pop().unwrap_or_default())
    }

    /// One statement: each pair's read of one stream, numbered, joined by
    /// `UNION ALL`. Each part is planned by the stream index whatever the
    /// server's statistics say (a join with the pairs as arrays was planned
    /// as a scan of the whole log while the table had none).
    async fn read_streams_after(
        &self,
        streams: &[(StreamId, Version)],
    ) -> Result<Vec<Vec<Recorded>>, StoreError> {
        if streams.is_empty() {
            return Ok(Vec::new());
        }
        let parts: Vec<String> = (1..=streams.len())
            .map(|n| {
                format!(
                    concat!(
                        "(SELECT ",
                        columns!(),
                        ", {n}::BIGINT AS wanted FROM events \
                         WHERE stream_id = ${stream} AND stream_version > ${after})"
                    ),
                    n = n,
                    stream = 2 * n - 1,
                    after = 2 * n
                )
            })
            .collect();
        let sql = format!(
            "{} ORDER BY wanted, stream_version",
            parts.join(" UNION ALL ")
        );
        // Built from constant text and numbered placeholders only.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (stream, after) in streams {
            query = query.bind(stream.as_str()).bind(to_i64(*after));
        }
        let rows = query.fetch_all(&self.0).await?;
        let mut out = vec![Vec::new(); streams.len()];
        for row in &rows {
            let asked = row.try_get::<i64, _>(WANTED_COLUMN)?;
            let list = usize::try_from(asked - 1)
                .ok()
                .and_then(|i| out.get_mut(i))
                .ok_or_else(|| StoreError::backend(format!("no stream was asked as {asked}")))?;
            list.push(recorded(&stored(&row)?)?);
        }
        Ok(out)
    }

    async fn read_all(&self, after: Position, limit: usize) -> Result<Vec<Recorded>, StoreError> {
        copy::read_all(&self.0, after, limit).await
    }

    async fn find_event(&self, event_id: Uuid) -> Result<Option<Recorded>, StoreError> {
        let sql = concat!("SELECT ", columns!(), " FROM events WHERE event_id = $1");
        sqlx::query(sql)
            .bind(event_id)
            .fetch_optional(&self.0)
            .await?
            .map(|row| recorded(&stored(&&row)?))
            .transpose()
    }

    async fn head(&self) -> Result<Position, StoreError> {
        let max: Option<i64> = sqlx::query_scalar("SELECT MAX(position) FROM events")
            .fetch_one(&self.0)
            .await?;
        Ok(u64::try_from(max.unwrap_or(0)).unwrap_or(0))
    }

    /// The rows are fetched whole but not decoded; the visitor is shown
    /// them on a blocking thread, lent from the COPY's buffer.
    async fn scan(
        &self,
        after: Position,
        limit: usize,
        visitor: Box<dyn Visitor>,
    ) -> Result<Box<dyn Visitor>, StoreError> {
        copy::scan(&self.0, after, limit, visitor).await
    }

    async fn close(&self) {
        self.0.close().await;
    }
}

/// Raises the committed position whenever any process announces a commit.
async fn follow_notifications(mut listener: PgListener, committed: watch::Sender<Position>) {
    loop {
        match listener.recv().await {
            Ok(n) => {
                if let Ok(head) = n.payload().parse::<Position>() {
                    crate::committer::raise(&committed, head);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "event notifications interrupted; reconnecting");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
    }
}
