//! Writes of the API's records on SQLite, many to a transaction: one
//! thread owns the writing connection, takes every statement waiting when
//! it is free, runs them one after another in one transaction and commits
//! once. Each request waits for one commit however many others are
//! writing, instead of one commit (and one turn of the connection) each.

use crate::error::ProjectionError;
use crate::tx::{Value, bind, open_wal};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use tokio::sync::oneshot;

/// Most statements in one transaction.
const MAX_BATCH: usize = 1024;

/// One statement (none: only a mark, to learn that every statement queued
/// before it is committed) and who waits for its outcome.
struct Write {
    statement: Option<(&'static str, Vec<Value>)>,
    done: oneshot::Sender<Result<u64, ProjectionError>>,
}

/// A handle on the writing thread, cheap to clone; the thread ends with
/// the last handle.
#[derive(Clone, Debug)]
pub(crate) struct Batched(Sender<Write>);

impl Batched {
    pub(crate) fn start(path: PathBuf) -> Result<Self, ProjectionError> {
        let (send, writes) = channel();
        std::thread::Builder::new()
            .name("api-records-writer".to_owned())
            .spawn(move || run(&path, &writes))
            .map_err(|e| ProjectionError::Io {
                path: "api-records-writer thread".to_owned(),
                source: e,
            })?;
        Ok(Self(send))
    }

    /// Runs `sql` with `params` in the next transaction; the number of rows
    /// it changed once that transaction committed.
    pub(crate) async fn execute(
        &self,
        sql: &'static str,
        params: Vec<Value>,
    ) -> Result<u64, ProjectionError> {
        self.queue(Some((sql, params)))?
            .await
            .map_err(|_| stopped())?
    }

    /// Waits until every statement queued so far is committed.
    pub(crate) async fn flush(&self) -> Result<(), ProjectionError> {
        self.queue(None)?.await.map_err(|_| stopped())?.map(drop)
    }

    /// Queues `statement` (its SQL and parameters) behind every statement
    /// queued before it and ahead of every one queued after; its outcome,
    /// once committed.
    pub(crate) fn queue(
        &self,
        statement: Option<(&'static str, Vec<Value>)>,
    ) -> Result<oneshot::Receiver<Result<u64, ProjectionError>>, ProjectionError> {
        let (done, outcome) = oneshot::channel();
        self.0
            .send(Write { statement, done })
            .map_err(|_| stopped())?;
        Ok(outcome)
    }
}

fn stopped() -> ProjectionError {
    ProjectionError::WriterState("the records' writer has stopped")
}

fn run(path: &Path, writes: &Receiver<Write>) {
    let mut conn = None;
    while let Ok(first) = writes.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match writes.try_recv() {
                Ok(write) => batch.push(write),
                Err(_) => break,
            }
        }
        let outcome = match &conn {
            Some(conn) => write(conn, &batch),
            None => open_wal(path).and_then(|opened| write(conn.insert(opened), &batch)),
        };
        match outcome {
            Ok(changed) => {
                for (write, changed) in batch.into_iter().zip(changed) {
                    tell(write, changed.map_err(ProjectionError::from));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "the API's records were not written");
                // A connection left in a transaction is opened again.
                if conn.as_ref().is_some_and(|c| !c.is_autocommit()) {
                    conn = None;
                }
                for write in batch {
                    tell(write, Err(ProjectionError::Sqlite(again(&e))));
                }
            }
        }
    }
}

/// Tells the statement's outcome to whoever waits for it; logs a failure
/// nobody waits for (a statement given with `Records::execute_soon`).
fn tell(write: Write, outcome: Result<u64, ProjectionError>) {
    if let Err(Err(e)) = write.done.send(outcome) {
        tracing::warn!(error = %e, "a record was not written");
    }
}

/// Runs `batch` in one transaction: each statement's outcome (a statement
/// that fails leaves the others be), or the failure of the whole.
fn write(conn: &Connection, batch: &[Write]) -> rusqlite::Result<Vec<rusqlite::Result<u64>>> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let mut changed = Vec::with_capacity(batch.len());
    for write in batch {
        let Some((sql, params)) = &write.statement else {
            changed.push(Ok(0));
            continue;
        };
        let outcome = conn.prepare_cached(sql).and_then(|mut statement| {
            bind(&mut statement, params)?;
            statement.raw_execute()
        });
        // Most failures undo their own statement only; some end the
        // transaction, and with it what the statements before wrote.
        if let Err(e) = &outcome
            && conn.is_autocommit()
        {
            return Err(again(e));
        }
        changed.push(outcome.map(|n| u64::try_from(n).unwrap_or(u64::MAX)));
    }
    if let Err(e) = conn.execute_batch("COMMIT") {
        let _ended = conn.execute_batch("ROLLBACK");
        return Err(e);
    }
    Ok(changed)
}

/// The same failure once more, for each statement of a batch that failed
/// (SQLite's errors are not `Clone`): its code, so that a busy database is
/// still told apart, and its message.
fn again(e: &rusqlite::Error) -> rusqlite::Error {
    match e {
        rusqlite::Error::SqliteFailure(code, message) => {
            rusqlite::Error::SqliteFailure(*code, message.clone())
        }
        other => rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
            Some(other.to_string()),
        ),
    }
}
