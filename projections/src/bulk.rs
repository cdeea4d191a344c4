//! Multi-row writes and keyed reads: a projector folds a whole batch in
//! memory and then touches each table with a few statements.

use crate::error::ProjectionError;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, FromRow};

/// Parameters per statement, within SQLite's and PostgreSQL's limits.
const MAX_PARAMS: usize = 30_000;
/// Rows per multi-row insert: few enough that most statements share one
/// text, and so one cached prepared statement.
const MAX_ROWS: usize = 500;

/// One column value. Nulls keep their type: PostgreSQL checks it.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Text(Option<String>),
    Int(Option<i64>),
    Blob(Option<Vec<u8>>),
}

impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(Some(v))
    }
}

impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(Some(v.to_owned()))
    }
}

impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        Val::Text(v)
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(Some(v))
    }
}

impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        Val::Int(v)
    }
}

impl From<bool> for Val {
    fn from(v: bool) -> Self {
        Val::Int(Some(i64::from(v)))
    }
}

impl From<Option<Vec<u8>>> for Val {
    fn from(v: Option<Vec<u8>>) -> Self {
        Val::Blob(v)
    }
}

/// A row to write: its values in the table's column order.
pub type Row = Vec<Val>;

/// A table's name (live or shadow) and columns; the first `key` columns are its primary key.
pub struct Table<'a> {
    pub name: &'a str,
    pub columns: &'a [&'a str],
    pub key: usize,
}

impl Table<'_> {
    /// Inserts `rows`, replacing any row with the same key.
    pub async fn upsert(
        &self,
        conn: &mut AnyConnection,
        rows: Vec<Row>,
    ) -> Result<(), ProjectionError> {
        let (keys, rest) = self.columns.split_at(self.key);
        let conflict = if rest.is_empty() {
            format!(" ON CONFLICT ({}) DO NOTHING", keys.join(", "))
        } else {
            let set: Vec<String> = rest.iter().map(|c| format!("{c} = excluded.{c}")).collect();
            format!(
                " ON CONFLICT ({}) DO UPDATE SET {}",
                keys.join(", "),
                set.join(", ")
            )
        };
        self.write(conn, rows, &conflict).await
    }

    /// Inserts `rows`, which must be new.
    pub async fn insert(
        &self,
        conn: &mut AnyConnection,
        rows: Vec<Row>,
    ) -> Result<(), ProjectionError> {
        self.write(conn, rows, "").await
    }

    async fn write(
        &self,
        conn: &mut AnyConnection,
        mut rows: Vec<Row>,
        suffix: &str,
    ) -> Result<(), ProjectionError> {
        let width = self.columns.len().max(1);
        let per_statement = (MAX_PARAMS / width).clamp(1, MAX_ROWS);
        let style = Style::of(conn);
        while !rows.is_empty() {
            let rest = rows.split_off(rows.len().min(per_statement));
            let tuples: Vec<String> = (0..rows.len())
                .map(|r| format!("({})", style.list(r * width, width)))
                .collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES {}{suffix}",
                self.name,
                self.columns.join(", "),
                tuples.join(", ")
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for v in rows.into_iter().flatten() {
                query = match v {
                    Val::Text(t) => query.bind(t),
                    Val::Int(i) => query.bind(i),
                    Val::Blob(x) => query.bind(x),
                };
            }
            query.execute(&mut *conn).await?;
            rows = rest;
        }
        Ok(())
    }

    /// Deletes every row whose `column` is one of `values`.
    pub async fn delete_where_in(
        &self,
        conn: &mut AnyConnection,
        column: &str,
        values: Vec<String>,
    ) -> Result<(), ProjectionError> {
        for chunk in values.chunks(MAX_PARAMS) {
            let sql = format!(
                "DELETE FROM {} WHERE {column} IN ({})",
                self.name,
                Style::of(conn).list(0, chunk.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for v in chunk {
                query = query.bind(v.clone());
            }
            query.execute(&mut *conn).await?;
        }
        Ok(())
    }
}

/// How a statement numbers its parameters. Both databases read `$N`, but
/// SQLite looks each named parameter up by a linear scan, so long lists of
/// `$N` cost quadratic time there; its anonymous `?` are bound by position.
#[derive(Clone, Copy)]
enum Style {
    Anonymous,
    Numbered,
}

impl Style {
    fn of(conn: &AnyConnection) -> Self {
        if conn.backend_name() == "SQLite" {
            Style::Anonymous
        } else {
            Style::Numbered
        }
    }

    /// Parameters `from + 1` to `from + count`, comma-separated.
    fn list(self, from: usize, count: usize) -> String {
        let each = |n: usize| match self {
            Style::Anonymous => "?".to_owned(),
            Style::Numbered => format!("${n}"),
        };
        (from + 1..=from + count)
            .map(each)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Runs `select` (which ends in `... IN `) once per chunk of `keys` and
/// collects the rows (none for no keys).
pub async fn select_in<R>(
    conn: &mut AnyConnection,
    select: &str,
    keys: &[String],
) -> Result<Vec<R>, ProjectionError>
where
    R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    let mut out = Vec::new();
    for chunk in keys.chunks(MAX_PARAMS) {
        let sql = format!("{select}({})", Style::of(conn).list(0, chunk.len()));
        let mut query = sqlx::query_as::<_, R>(AssertSqlSafe(sql));
        for k in chunk {
            query = query.bind(k.clone());
        }
        out.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}
