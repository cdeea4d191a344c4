//! A read-model transaction: the few statements projectors, checkpoints and
//! rebuilds need, behind one trait with two implementations — plain SQLite
//! connections with cached single-row statements on the embedded default,
//! and sqlx with multi-row statements on PostgreSQL.
//!
//! Statements use `$1..$N` parameters, which both databases read.

/// Implements [`Tx`] for `$ty` by running each statement on the
/// transaction `$target` reaches from `$this` (the value itself).
macro_rules! forward_tx {
    ($ty:ty, |$this:ident| $target:expr) => {
        #[async_trait::async_trait]
        impl $crate::tx::Tx for $ty {
            async fn execute(
                &mut self,
                sql: &str,
                params: Vec<$crate::tx::Value>,
            ) -> Result<u64, $crate::error::ProjectionError> {
                let $this = self;
                $target.execute(sql, params).await
            }

            async fn query(
                &mut self,
                sql: &str,
                params: Vec<$crate::tx::Value>,
                kinds: &[$crate::tx::Kind],
            ) -> Result<Vec<$crate::tx::Row>, $crate::error::ProjectionError> {
                let $this = self;
                $target.query(sql, params, kinds).await
            }

            async fn select_in(
                &mut self,
                select: &str,
                kinds: &[$crate::tx::Kind],
                keys: Vec<String>,
            ) -> Result<Vec<$crate::tx::Row>, $crate::error::ProjectionError> {
                let $this = self;
                $target.select_in(select, kinds, keys).await
            }

            async fn insert(
                &mut self,
                table: &str,
                columns: &[&str],
                rows: Vec<$crate::tx::Row>,
                suffix: &str,
            ) -> Result<(), $crate::error::ProjectionError> {
                let $this = self;
                $target.insert(table, columns, rows, suffix).await
            }

            async fn delete_in(
                &mut self,
                table: &str,
                column: &str,
                values: Vec<String>,
            ) -> Result<(), $crate::error::ProjectionError> {
                let $this = self;
                $target.delete_in(table, column, values).await
            }
        }
    };
}

mod deferred;
mod postgres;
mod sqlite;

pub(crate) use deferred::{Deferred, Outcome};

pub(crate) use postgres::PgTx;
pub(crate) use sqlite::{SqliteWriter, bind, open_wal};

use crate::error::ProjectionError;
use async_trait::async_trait;
use std::sync::Arc;
use tokio::sync::Mutex;

/// One column value. Nulls keep their type: PostgreSQL checks it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Blob(Option<Vec<u8>>),
}

/// Binds `params` to `query` in order, each as its own type (nulls too).
pub(crate) fn bind_values<'q, DB>(
    query: sqlx::query::Query<'q, DB, DB::Arguments>,
    params: impl IntoIterator<Item = Value>,
) -> sqlx::query::Query<'q, DB, DB::Arguments>
where
    DB: sqlx::Database,
    for<'t> Option<String>: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> Option<i64>: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> Option<Vec<u8>>: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    params.into_iter().fold(query, |query, value| match value {
        Value::Text(text) => query.bind(text),
        Value::Int(int) => query.bind(int),
        Value::Blob(blob) => query.bind(blob),
    })
}

/// How a column is read back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    Blob,
}

/// A row: its values in column order.
pub type Row = Vec<Value>;

#[async_trait]
pub trait Tx: Send {
    /// Runs one statement; the number of rows it changed.
    async fn execute(&mut self, sql: &str, params: Vec<Value>) -> Result<u64, ProjectionError>;

    /// Runs one query; its rows, each column read as `kinds` says.
    async fn query(
        &mut self,
        sql: &str,
        params: Vec<Value>,
        kinds: &[Kind],
    ) -> Result<Vec<Row>, ProjectionError>;

    /// The rows `select` (which ends in `WHERE {column}`) finds for any of `keys`.
    async fn select_in(
        &mut self,
        select: &str,
        kinds: &[Kind],
        keys: Vec<String>,
    ) -> Result<Vec<Row>, ProjectionError>;

    /// `INSERT INTO {table} ({columns}) VALUES (...){suffix}` for each row.
    async fn insert(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Vec<Row>,
        suffix: &str,
    ) -> Result<(), ProjectionError>;

    /// Deletes every row of `table` whose `column` is one of `values`.
    async fn delete_in(
        &mut self,
        table: &str,
        column: &str,
        values: Vec<String>,
    ) -> Result<(), ProjectionError>;
}

/// A transaction as begun: its statements, and its end.
#[async_trait]
pub trait Transaction: Tx {
    async fn commit(self: Box<Self>) -> Result<(), ProjectionError>;

    async fn rollback(self: Box<Self>) -> Result<(), ProjectionError>;
}

/// One transaction used by several tasks at once, each through its own
/// handle; each statement takes its turn. Projectors writing disjoint
/// tables share a rebuild's transaction this way, so one folds while
/// another's statements run.
#[derive(Clone)]
pub struct Shared(Arc<Mutex<Box<dyn Transaction>>>);

impl Shared {
    pub fn new(tx: Box<dyn Transaction>) -> Self {
        Self(Arc::new(Mutex::new(tx)))
    }

    /// The transaction back, once every other handle is gone.
    pub fn into_inner(self) -> Result<Box<dyn Transaction>, ProjectionError> {
        Arc::try_unwrap(self.0)
            .map(Mutex::into_inner)
            .map_err(|_| ProjectionError::WriterState("transaction still shared"))
    }
}

forward_tx!(Shared, |shared| shared.0.lock().await);

/// Reads a row's values in order, each of the expected type.
pub struct Fields(std::vec::IntoIter<Value>);

impl Fields {
    pub fn new(row: Row) -> Self {
        Self(row.into_iter())
    }

    fn next(&mut self) -> Value {
        self.0.next().unwrap_or(Value::Text(None))
    }

    pub fn opt_text(&mut self) -> Result<Option<String>, ProjectionError> {
        match self.next() {
            Value::Text(t) => Ok(t),
            other => Err(unexpected("text", &other)),
        }
    }

    pub fn text(&mut self) -> Result<String, ProjectionError> {
        self.opt_text()?
            .ok_or_else(|| ProjectionError::Corrupt("missing text".to_owned()))
    }

    pub fn opt_int(&mut self) -> Result<Option<i64>, ProjectionError> {
        match self.next() {
            Value::Int(i) => Ok(i),
            other => Err(unexpected("integer", &other)),
        }
    }

    pub fn int(&mut self) -> Result<i64, ProjectionError> {
        self.opt_int()?
            .ok_or_else(|| ProjectionError::Corrupt("missing integer".to_owned()))
    }

    pub fn opt_blob(&mut self) -> Result<Option<Vec<u8>>, ProjectionError> {
        match self.next() {
            Value::Blob(b) => Ok(b),
            other => Err(unexpected("blob", &other)),
        }
    }
}

fn unexpected(wanted: &str, found: &Value) -> ProjectionError {
    ProjectionError::Corrupt(format!("expected {wanted}, found {found:?}"))
}

/// Reads a column as `kind` says, through the getter of each type.
pub(crate) fn read_as<E>(
    kind: Kind,
    text: impl FnOnce() -> Result<Option<String>, E>,
    int: impl FnOnce() -> Result<Option<i64>, E>,
    blob: impl FnOnce() -> Result<Option<Vec<u8>>, E>,
) -> Result<Value, E> {
    Ok(match kind {
        Kind::Text => Value::Text(text()?),
        Kind::Int => Value::Int(int()?),
        Kind::Blob => Value::Blob(blob()?),
    })
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_owned()))
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(Some(i64::from(v)))
    }
}

impl From<Option<Vec<u8>>> for Value {
    fn from(v: Option<Vec<u8>>) -> Self {
        Value::Blob(v)
    }
}
