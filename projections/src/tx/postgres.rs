//! Read-model transactions on PostgreSQL through sqlx: multi-row statements,
//! as each statement is a round trip to the server.

use super::{Kind, Row, Transaction, Tx, Value, read_as};
use crate::error::ProjectionError;
use async_trait::async_trait;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, AssertSqlSafe, Row as _};

/// Parameters per statement, within PostgreSQL's limit of 65,535.
const MAX_PARAMS: usize = 30_000;
/// Rows per multi-row insert: few enough that most statements share one
/// text, and so one cached prepared statement.
const MAX_ROWS: usize = 500;

pub(crate) struct PgTx(pub(crate) sqlx::Transaction<'static, Any>);

type Query = sqlx::query::Query<'static, Any, AnyArguments>;

fn statement(sql: String, params: impl IntoIterator<Item = Value>) -> Query {
    params
        .into_iter()
        .fold(sqlx::query(AssertSqlSafe(sql)), |query, v| match v {
            Value::Text(t) => query.bind(t),
            Value::Int(i) => query.bind(i),
            Value::Blob(b) => query.bind(b),
        })
}

/// `$from+1, ..., $from+count`.
fn list(from: usize, count: usize) -> String {
    (from + 1..=from + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn read(row: &AnyRow, kinds: &[Kind]) -> Result<Row, sqlx::Error> {
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
        let rows = statement(sql.to_owned(), params)
            .fetch_all(&mut *self.0)
            .await?;
        Ok(rows
            .iter()
            .map(|r| read(r, kinds))
            .collect::<Result<_, _>>()?)
    }

    async fn select_in(
        &mut self,
        select: &str,
        kinds: &[Kind],
        keys: Vec<String>,
    ) -> Result<Vec<Row>, ProjectionError> {
        let mut out = Vec::new();
        for chunk in keys.chunks(MAX_PARAMS) {
            let sql = format!("{select}({})", list(0, chunk.len()));
            let params = chunk.iter().map(|k| Value::Text(Some(k.clone())));
            out.extend(self.query(&sql, params.collect(), kinds).await?);
        }
        Ok(out)
    }

    async fn insert(
        &mut self,
        table: &str,
        columns: &[&str],
        mut rows: Vec<Row>,
        suffix: &str,
    ) -> Result<(), ProjectionError> {
        let width = columns.len().max(1);
        let per_statement = (MAX_PARAMS / width).clamp(1, MAX_ROWS);
        while !rows.is_empty() {
            let rest = rows.split_off(rows.len().min(per_statement));
            let tuples: Vec<String> = (0..rows.len())
                .map(|r| format!("({})", list(r * width, width)))
                .collect();
            let sql = format!(
                "INSERT INTO {table} ({}) VALUES {}{suffix}",
                columns.join(", "),
                tuples.join(", ")
            );
            statement(sql, rows.into_iter().flatten())
                .execute(&mut *self.0)
                .await?;
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
        for chunk in values.chunks(MAX_PARAMS) {
            let sql = format!(
                "DELETE FROM {table} WHERE {column} IN ({})",
                list(0, chunk.len())
            );
            let params = chunk.iter().map(|v| Value::Text(Some(v.clone())));
            statement(sql, params).execute(&mut *self.0).await?;
        }
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
