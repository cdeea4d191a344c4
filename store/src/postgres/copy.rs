//! Reads of the PostgreSQL log as binary `COPY … TO STDOUT`: the server
//! sends each row's columns in their binary form, with none of a query's
//! per-row protocol handling on either side, and the rows are lent to
//! their reader from the one buffer they arrived in.

use crate::envelope::{Position, Recorded};
use crate::sql::{Columns, columns, recorded, stored, stored_or_located, to_i64};
use crate::store::{StoreError, Visitor, show};
use futures::TryStreamExt;
use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres};
use uuid::Uuid;

/// The first bytes of every binary COPY.
const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";

/// The event columns ([`columns!`]).
const WIDTH: usize = 16;

/// Events per COPY: a long read is made of several, so a buffer's
/// offsets stay within `u32`.
const PIECE: usize = 50_000;

/// The rows of one binary COPY of the event columns.
struct CopyRows {
    bytes: Vec<u8>,
    /// [`WIDTH`] per row: where each column's bytes lie, `None` for NULL.
    fields: Vec<Option<(u32, u32)>>,
}

/// One row of a [`CopyRows`], its columns lent from the buffer.
struct CopyRow<'r> {
    bytes: &'r [u8],
    fields: &'r [Option<(u32, u32)>],
}

fn cut_short() -> StoreError {
    StoreError::backend("the log's COPY data ended inside a row")
}

/// The COPY data of up to `limit` (at most [`PIECE`]) events after `after`, in order.
async fn copy_after(pool: &PgPool, after: Position, limit: usize) -> Result<Vec<u8>, StoreError> {
    let sql = format!(
        concat!(
            "COPY (SELECT ",
            columns!(),
            " FROM events WHERE position > {} ORDER BY position LIMIT {}) \
             TO STDOUT (FORMAT binary)"
        ),
        to_i64(after),
        limit.min(PIECE)
    );
    let mut conn = Unfinished(Some(pool.acquire().await?));
    let mut bytes = Vec::new();
    if let Some(conn) = conn.0.as_mut() {
        let mut data = conn.copy_out_raw(&sql).await?;
        while let Some(chunk) = data.try_next().await? {
            bytes.extend_from_slice(&chunk);
        }
    }
    conn.finished();
    Ok(bytes)
}

/// A connection in the middle of a COPY: dropped before the COPY's end (a
/// failure, or a reader that stopped waiting), it is closed rather than
/// given back to the pool with the rest of the data still to come.
struct Unfinished(Option<PoolConnection<Postgres>>);

impl Unfinished {
    /// The COPY ended: the connection goes back to the pool.
    fn finished(mut self) {
        self.0.take();
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        if let Some(conn) = self.0.as_mut() {
            conn.close_on_drop();
        }
    }
}

/// Reads a binary COPY front to back.
struct Cursor<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Cursor<'b> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], StoreError> {
        let part = self.bytes.get(self.at..self.at + N).ok_or_else(cut_short)?;
        self.at += N;
        part.try_into().map_err(|_| cut_short())
    }

    /// Skips `n` bytes; where they started.
    fn skip(&mut self, n: usize) -> Result<usize, StoreError> {
        let start = self.at;
        if self.bytes.len() - start < n {
            return Err(cut_short());
        }
        self.at += n;
        Ok(start)
    }
}

impl CopyRows {
    /// Finds each row's columns: the header, then per row a column count
    /// and each column as a length (-1 for NULL) and its bytes, then -1.
    fn parse(bytes: Vec<u8>) -> Result<Self, StoreError> {
        if u32::try_from(bytes.len()).is_err() {
            return Err(StoreError::backend("a COPY of the log too large to lend"));
        }
        let mut fields = Vec::new();
        let mut data = Cursor {
            bytes: &bytes,
            at: 0,
        };
        if data.take::<11>()? != *SIGNATURE {
            return Err(StoreError::backend("not a binary COPY of the log"));
        }
        let _flags = data.take::<4>()?;
        let extension = u32::from_be_bytes(data.take()?);
        data.skip(usize::try_from(extension).map_err(|_| cut_short())?)?;
        loop {
            let count = i16::from_be_bytes(data.take()?);
            if count == -1 {
                break;
            }
            if usize::try_from(count).ok() != Some(WIDTH) {
                return Err(StoreError::backend(format!(
                    "a COPY row of the log with {count} columns, not {WIDTH}"
                )));
            }
            for _ in 0..WIDTH {
                let length = i32::from_be_bytes(data.take()?);
                let field = match usize::try_from(length) {
                    // Within u32: the whole buffer is (checked above).
                    Ok(length) => data
                        .skip(length)
                        .map(|start| Some((start as u32, (start + length) as u32)))?,
                    Err(_) => None,
                };
                fields.push(field);
            }
        }
        Ok(Self { bytes, fields })
    }

    fn len(&self) -> usize {
        self.fields.len() / WIDTH
    }

    fn rows(&self) -> impl Iterator<Item = CopyRow<'_>> {
        self.fields.chunks_exact(WIDTH).map(|fields| CopyRow {
            bytes: &self.bytes,
            fields,
        })
    }
}

/// Runs `work` on a blocking thread.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| StoreError::because("read stopped", e))?
}

impl<'r> CopyRow<'r> {
    fn field(&self, i: usize) -> Option<&'r [u8]> {
        let (start, end) = self.fields.get(i).copied().flatten()?;
        self.bytes.get(start as usize..end as usize)
    }

    /// A column of a fixed binary width (integers, UUIDs).
    fn fixed<const N: usize>(&self, i: usize) -> Result<Option<[u8; N]>, StoreError> {
        self.field(i)
            .map(|b| {
                b.try_into().map_err(|_| {
                    StoreError::backend(format!("column {i} holds {} bytes, not {N}", b.len()))
                })
            })
            .transpose()
    }

    fn required<T>(i: usize, value: Option<T>) -> Result<T, StoreError> {
        value.ok_or_else(|| StoreError::backend(format!("column {i} is NULL")))
    }
}

impl<'r> Columns<'r> for CopyRow<'r> {
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        Self::required(i, self.fixed(i)?.map(i64::from_be_bytes))
    }

    /// `schema_version` is an INTEGER.
    fn small_int(&self, i: usize) -> Result<i64, StoreError> {
        let value = self.fixed(i)?.map(i32::from_be_bytes);
        Self::required(i, value.map(i64::from))
    }

    fn text(&self, i: usize) -> Result<Option<&'r str>, StoreError> {
        self.field(i)
            .map(|b| std::str::from_utf8(b).map_err(|e| StoreError::because("not UTF-8 text", e)))
            .transpose()
    }

    fn bytes(&self, i: usize) -> Result<Option<&'r [u8]>, StoreError> {
        Ok(self.field(i))
    }

    fn uuid(&self, i: usize) -> Result<Option<Uuid>, StoreError> {
        Ok(self.fixed(i)?.map(Uuid::from_bytes))
    }
}

/// Up to `limit` events after `after`, in order, made owned.
pub(crate) async fn read_all(
    pool: &PgPool,
    mut after: Position,
    mut limit: usize,
) -> Result<Vec<Recorded>, StoreError> {
    let mut out: Vec<Recorded> = Vec::new();
    while limit > 0 {
        let bytes = copy_after(pool, after, limit).await?;
        let events: Vec<Recorded> = blocking(move || {
            let rows = CopyRows::parse(bytes)?;
            rows.rows().map(|row| recorded(&stored(&row)?)).collect()
        })
        .await?;
        let piece = events.len();
        after = events.last().map_or(after, |e: &Recorded| e.position);
        if out.is_empty() {
            out = events;
        } else {
            out.extend(events);
        }
        if piece < limit.min(PIECE) {
            break;
        }
        limit -= piece;
    }
    Ok(out)
}

/// What a scan of one COPY came to.
struct Scanned {
    visitor: Box<dyn Visitor>,
    rows: usize,
    last: Option<Position>,
    stopped: bool,
}

/// Shows `visitor` up to `limit` events after `after`, in order, each lent
/// from the COPY's buffer on a blocking thread.
pub(crate) async fn scan(
    pool: &PgPool,
    mut after: Position,
    mut limit: usize,
    mut visitor: Box<dyn Visitor>,
) -> Result<Box<dyn Visitor>, StoreError> {
    while limit > 0 {
        let bytes = copy_after(pool, after, limit).await?;
        let scanned = blocking(move || {
            let rows = CopyRows::parse(bytes)?;
            let mut last = None;
            for row in rows.rows() {
                last = row.int(0).ok().and_then(|p| u64::try_from(p).ok());
                if show(&mut *visitor, stored_or_located(&row))?.is_break() {
                    let stopped = true;
                    return Ok(Scanned {
                        visitor,
                        rows: rows.len(),
                        last,
                        stopped,
                    });
                }
            }
            let stopped = false;
            Ok(Scanned {
                visitor,
                rows: rows.len(),
                last,
                stopped,
            })
        })
        .await?;
        visitor = scanned.visitor;
        let Some(last) = scanned.last.filter(|_| !scanned.stopped) else {
            break;
        };
        if scanned.rows < limit.min(PIECE) {
            break;
        }
        after = last;
        limit -= scanned.rows;
    }
    Ok(visitor)
}
