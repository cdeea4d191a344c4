//! Read-model transactions on PostgreSQL through sqlx's own PostgreSQL
//! driver: a table's rows go in one statement, one array per column
//! (`INSERT … SELECT * FROM UNNEST($1::text[], $2::int8[], …)`), and keyed
//! reads and deletes take their keys as one array, so a statement's text —
//! and so its prepared statement — is the same whatever the number of rows,
//! and each is one round trip.

use super::{Kind, Row, Transaction, Tx, Value, bind_values, read_as};
use crate::error::ProjectionError;
use async_trait::async_trait;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::{AssertSqlSafe, Postgres, Row as _};

/// Rows per statement: bounds the size of one message to the server.
const MAX_ROWS: usize = 50_000;

pub(crate) struct PgTx(pub(crate) sqlx::Transaction<'static, Postgres>);

type Query = sqlx::query::Query<'static, Postgres, PgArguments>;

fn statement(sql: String, params: impl IntoIterator<Item = Value>) -> Query {
    bind_values(sqlx::query(AssertSqlSafe(sql)), params)
}

fn read(row: &PgRow, kinds: &[Kind]) -> Result<Row, sqlx::Error> {
    kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            read_as(
                *kind,
                || row.try_get(i),
                || row.try_get(i),
                || row.try_get(i),
            )
        })
        .collect()
}

/// One column's values, as the array bound for it.
enum Column {
    Text(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Blob(Vec<Option<Vec<u8>>>),
}

impl Column {
    /// An empty column of `value`'s type.
    fn like(value: &Value, rows: usize) -> Self {
        match value {
            Value::Text(_) => Column::Text(Vec::with_capacity(rows)),
            Value::Int(_) => Column::Int(Vec::with_capacity(rows)),
            Value::Blob(_) => Column::Blob(Vec::with_capacity(rows)),
        }
    }

    /// The array's type in SQL.
    fn array_type(&self) -> &'static str {
        match self {
            Column::Text(_) => "text[]",
            Column::Int(_) => "int8[]",
            Column::Blob(_) => "bytea[]",
        }
    }

    fn push(&mut self, value: Value) -> Result<(), ProjectionError> {
        match (self, value) {
            (Column::Text(c), Value::Text(v)) => c.push(v),
            (Column::Int(c), Value::Int(v)) => c.push(v),
            (Column::Blob(c), Value::Blob(v)) => c.push(v),
            (column, value) => {
                return Err(ProjectionError::Corrupt(format!(
                    "a {} column given {value:?}",
                    column.array_type()
                )));
            }
        }
        Ok(())
    }

    fn bind(self, query: Query) -> Query {
        match self {
            Column::Text(c) => query.bind(c),
            Column::Int(c) => query.bind(c),
            Column::Blob(c) => query.bind(c),
        }
    }
}

/// `rows` as one array per column, in column order.
fn by_column(rows: Vec<Row>) -> Result<Vec<Column>, ProjectionError> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let mut columns: Vec<Column> = first.iter().map(|v| Column::like(v, rows.len())).collect();
    for row in rows {
        if row.len() != columns.len() {
            return Err(ProjectionError::Corrupt(format!(
                "a row of {} values for {} columns",
                row.len(),
                columns.len()
            )));
        }
        for (column, value) in columns.iter_mut().zip(row) {
            column.push(value)?;
        }
    }
    Ok(columns)
}

impl PgTx {
    /// Runs `query`; its rows, each column read as `kinds` says.
    async fn fetch(&mut self, query: Query, kinds: &[Kind]) -> Result<Vec<Row>, ProjectionError> {
        let rows = query.fetch_all(&mut *self.0).await?;
        Ok(rows
            .iter()
            .map(|r| read(r, kinds))
            .collect::<Result<_, _>>()?)
    }
}

/// `rows` as binary `COPY` data: a header, then per row its number of
/// columns and each value as a length (-1 for NULL) and its bytes (text as
/// UTF-8, integers as 8 bytes big-endian, bytes as they are), then -1.
fn copy_data(rows: &[Row]) -> Result<Vec<u8>, ProjectionError> {
    let too_large = || ProjectionError::Corrupt("a value too large for COPY".to_owned());
    let mut out = Vec::with_capacity(19 + rows.len() * 128);
    out.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
    out.extend_from_slice(&[0; 8]);
    for row in rows {
        let width = i16::try_from(row.len()).map_err(|_| too_large())?;
        out.extend_from_slice(&width.to_be_bytes());
        for value in row {
            let int;
            let bytes: Option<&[u8]> = match value {
                Value::Text(t) => t.as_ref().map(String::as_bytes),
                Value::Int(Some(i)) => {
                    int = i.to_be_bytes();
                    Some(&int[..])
                }
                Value::Int(None) => None,
                Value::Blob(b) => b.as_deref(),
            };
            match bytes {
                Some(bytes) => {
                    let length = i32::try_from(bytes.len()).map_err(|_| too_large())?;
                    out.extend_from_slice(&length.to_be_bytes());
                    out.extend_from_slice(bytes);
                }
                None => out.extend_from_slice(&(-1i32).to_be_bytes()),
            }
        }
    }
    out.extend_from_slice(&(-1i16).to_be_bytes());
    Ok(out)
}

#[async_trait]
impl Tx for PgTx {
    async fn execute(&mut self, sql: &str, params: Vec<Value>) -> Result<u64, ProjectionError> {
        let done = statement(sql.to_owned(), params)
            .execute(&mut *self.0)
            .await?;
        Ok(done.rows_affected())
    }

    async fn query(
        &mut self,
        sql: &str,
        params: Vec<Value>,
        kinds: &[Kind],
    ) -> Result<Vec<Row>, ProjectionError> {
        self.fetch(statement(sql.to_owned(), params), kinds).await
    }

    async fn select_in(
        &mut self,
        select: &str,
        kinds: &[Kind],
        keys: Vec<String>,
    ) -> Result<Vec<Row>, ProjectionError> {
        let sql = format!("{select} = ANY($1::text[])");
        self.fetch(sqlx::query(AssertSqlSafe(sql)).bind(keys), kinds)
            .await
    }

    /// New rows (no `suffix`) go in as binary `COPY`, which the server
    /// stores without running a statement per row; upserts as one
    /// `INSERT … SELECT * FROM UNNEST(…) ON CONFLICT …` per 50,000 rows.
    async fn insert(
        &mut self,
        table: &str,
        columns: &[&str],
        mut rows: Vec<Row>,
        suffix: &str,
    ) -> Result<(), ProjectionError> {
        if suffix.is_empty() && !rows.is_empty() {
            let data = copy_data(&rows)?;
            let sql = format!(
                "COPY {table} ({}) FROM STDIN (FORMAT binary)",
                columns.join(", ")
            );
            let mut copy = self.0.copy_in_raw(&sql).await?;
            copy.send(data).await?;
            copy.finish().await?;
            return Ok(());
        }
        while !rows.is_empty() {
            let rest = rows.split_off(rows.len().min(MAX_ROWS));
            let values = by_column(rows)?;
            let arrays: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(i, c)| format!("${}::{}", i + 1, c.array_type()))
                .collect();
            let sql = format!(
                "INSERT INTO {table} ({}) SELECT * FROM UNNEST({}){suffix}",
                columns.join(", "),
                arrays.join(", ")
            );
            let query = sqlx::query(AssertSqlSafe(sql));
            let query = values.into_iter().fold(query, |q, c| c.bind(q));
            query.execute(&mut *self.0).await?;
            rows = rest;
        }
        Ok(())
    }

    async fn delete_in(
        &mut self,
        table: &str,
        column: &str,
        values: Vec<String>,
    ) -> Result<(), ProjectionError> {
        let sql = format!("DELETE FROM {table} WHERE {column} = ANY($1::text[])");
        sqlx::query(AssertSqlSafe(sql))
            .bind(values)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}

#[async_trait]
impl Transaction for PgTx {
    async fn commit(self: Box<Self>) -> Result<(), ProjectionError> {
        Ok(self.0.commit().await?)
    }

    async fn rollback(self: Box<Self>) -> Result<(), ProjectionError> {
        Ok(self.0.rollback().await?)
    }
}
