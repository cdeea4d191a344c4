//! Batch writes and keyed reads: a projector folds a whole batch in memory
//! and then touches each table with a few calls on its transaction.

use crate::error::ProjectionError;
use crate::tx::{Fields, Kind, Row, Tx};

/// A table's name (live or shadow) and columns; the first `key` columns are its primary key.
pub struct Table<'a> {
    pub name: &'a str,
    pub columns: &'a [&'a str],
    pub key: usize,
}

impl Table<'_> {
    /// Inserts `rows`, replacing any row with the same key.
    pub async fn upsert(&self, tx: &mut dyn Tx, rows: Vec<Row>) -> Result<(), ProjectionError> {
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
        self.write(tx, rows, &conflict).await
    }

    /// Inserts `rows`, which must be new.
    pub async fn insert(&self, tx: &mut dyn Tx, rows: Vec<Row>) -> Result<(), ProjectionError> {
        self.write(tx, rows, "").await
    }

    async fn write(
        &self,
        tx: &mut dyn Tx,
        rows: Vec<Row>,
        suffix: &str,
    ) -> Result<(), ProjectionError> {
        if rows.is_empty() {
            return Ok(());
        }
        tx.insert(self.name, self.columns, rows, suffix).await
    }

    /// Deletes every row whose `column` is one of `values`.
    pub async fn delete_where_in(
        &self,
        tx: &mut dyn Tx,
        column: &str,
        values: Vec<String>,
    ) -> Result<(), ProjectionError> {
        if values.is_empty() {
            return Ok(());
        }
        tx.delete_in(self.name, column, values).await
    }
}

/// Columns to read back from a table, with their types.
pub type Columns = [(&'static str, Kind)];

/// The names of `columns`, comma-separated, for a SELECT list.
pub fn names(columns: &Columns) -> String {
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    names.join(", ")
}

/// The rows of `table` whose `key` column is one of `keys`, each column of
/// `columns` read in order.
pub async fn select_in(
    tx: &mut dyn Tx,
    table: &str,
    columns: &Columns,
    key: &str,
    keys: Vec<String>,
) -> Result<Vec<Fields>, ProjectionError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let kinds: Vec<Kind> = columns.iter().map(|(_, kind)| *kind).collect();
    let select = format!("SELECT {} FROM {table} WHERE {key} IN ", names.join(", "));
    let rows = tx.select_in(&select, &kinds, keys).await?;
    Ok(rows.into_iter().map(Fields::new).collect())
}
