//! Content kept in the PostgreSQL database (`file_content` and
//! `file_content_chunks`, migration 4000), for deployments on PostgreSQL
//! without a bucket: every process reads what any process stored. Content
//! goes in and comes out one chunk at a time, never whole in memory.

use super::ContentStream;
use bytes::Bytes;
use futures::stream::StreamExt;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::io;
use tokio::io::AsyncReadExt;

/// Bytes in one chunk row.
const CHUNK_BYTES: usize = 1024 * 1024;

/// Connections of the content store's own pool (uploads and downloads).
const CONNECTIONS: u32 = 4;

/// The lock namespace of content writes ("CMAF" in ASCII): two processes
/// storing the same content take turns.
const NAMESPACE: i32 = 0x434d_4146;

#[derive(Debug, Clone)]
pub(super) struct Database {
    pool: PgPool,
}

/// The database's error as an I/O error; one that means "not now" (see
/// [`cma_store::store::transient`]) keeps that meaning as a lost connection.
fn other(e: sqlx::Error) -> io::Error {
    if cma_store::store::transient(&e) {
        io::Error::new(io::ErrorKind::ConnectionAborted, e)
    } else {
        io::Error::other(e)
    }
}

impl Database {
    /// A pool on the database at `url`; connects on first use.
    pub(super) fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let pool = PgPoolOptions::new()
            .max_connections(CONNECTIONS)
            .connect_lazy(url)?;
        Ok(Self { pool })
    }

    /// The number of chunks of complete content `sha256`, if it is stored.
    async fn chunks(&self, sha256: &str) -> io::Result<Option<i32>> {
        sqlx::query_scalar("SELECT chunks FROM file_content WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    /// Stores the finished upload in `file` (of `size` bytes) under
    /// `sha256`, chunk by chunk, unless it is stored already.
    pub(super) async fn keep(
        &self,
        mut file: tokio::fs::File,
        sha256: &str,
        size: u64,
    ) -> io::Result<()> {
        if self.chunks(sha256).await?.is_some() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(other)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
            .bind(NAMESPACE)
            .bind(sha256)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        let stored: Option<i32> =
            sqlx::query_scalar("SELECT chunks FROM file_content WHERE sha256 = $1")
                .bind(sha256)
                .fetch_optional(&mut *tx)
                .await
                .map_err(other)?;
        if stored.is_some() {
            return tx.commit().await.map_err(other);
        }
        // Leftovers of a write that never committed cannot exist (the
        // transaction rolled back), but clear them all the same.
        sqlx::query("DELETE FROM file_content_chunks WHERE sha256 = $1")
            .bind(sha256)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        let mut seq: i32 = 0;
        let mut chunk = Vec::with_capacity(CHUNK_BYTES);
        loop {
            chunk.clear();
            let read = (&mut file)
                .take(CHUNK_BYTES as u64)
                .read_to_end(&mut chunk)
                .await?;
            if read == 0 {
                break;
            }
            sqlx::query("INSERT INTO file_content_chunks (sha256, seq, bytes) VALUES ($1, $2, $3)")
                .bind(sha256)
                .bind(seq)
                .bind(&chunk[..])
                .execute(&mut *tx)
                .await
                .map_err(other)?;
            seq += 1;
        }
        sqlx::query("INSERT INTO file_content (sha256, size, chunks) VALUES ($1, $2, $3)")
            .bind(sha256)
            .bind(i64::try_from(size).map_err(io::Error::other)?)
            .bind(seq)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)
    }

    /// Streams content `sha256` one chunk at a time; `None` if not stored.
    pub(super) async fn get(&self, sha256: &str) -> io::Result<Option<ContentStream>> {
        let Some(chunks) = self.chunks(sha256).await? else {
            return Ok(None);
        };
        let pool = self.pool.clone();
        let key = sha256.to_owned();
        let stream = futures::stream::unfold(0, move |seq| {
            let pool = pool.clone();
            let key = key.clone();
            async move {
                if seq >= chunks {
                    return None;
                }
                let bytes: Result<Vec<u8>, sqlx::Error> = sqlx::query_scalar(
                    "SELECT bytes FROM file_content_chunks WHERE sha256 = $1 AND seq = $2",
                )
                .bind(&key)
                .bind(seq)
                .fetch_one(&pool)
                .await;
                // After an error the stream ends.
                let next = if bytes.is_ok() { seq + 1 } else { chunks };
                Some((bytes.map(Bytes::from).map_err(other), next))
            }
        });
        Ok(Some(stream.boxed()))
    }

    /// Whether the database answers.
    pub(super) async fn check(&self) -> io::Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(drop)
            .map_err(other)
    }
}
