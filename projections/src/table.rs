//! Read-model tables, each declared once with [`table!`]: a row struct whose
//! fields are the table's columns, in order, and the names of its key
//! columns. From that one declaration come the column list, the insert and
//! upsert statements (multi-row on PostgreSQL, cached single-row on SQLite,
//! see [`crate::tx`]) and the reader of a row.
//!
//! A view that needs an entity's folded state back in a later batch keeps
//! it whole in a `state` column ([`State`]) instead of spelling each field
//! out as a column; columns are for what queries filter, sort or show.

use crate::error::ProjectionError;
use crate::projector::TableNames;
use crate::tx::{Kind, Row, Tx, Value};
use cma_domain::codec::DecodeError;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A table: its name, its columns in order, and the columns of its key
/// (the primary key an upsert conflicts on).
pub struct Table {
    pub name: &'static str,
    pub key: &'static [&'static str],
    pub columns: &'static [(&'static str, Kind)],
}

/// A table's row type, as [`table!`] declares it.
pub trait Record: Sized + Send + 'static {
    const TABLE: Table;

    /// The row's values, in column order.
    fn into_values(self) -> Row;

    /// The row read back, its values in column order.
    fn from_values(row: Row) -> Result<Self, ProjectionError>;
}

/// A Rust type stored in one column.
pub trait Column: Sized {
    const KIND: Kind;

    fn into_value(self) -> Value;

    fn from_value(value: Value) -> Result<Self, ProjectionError>;
}

/// `Column` for `$ty` (never null) and `Option<$ty>`, stored as `Value::$variant`.
macro_rules! column {
    ($ty:ty, $variant:ident, $wanted:literal) => {
        impl Column for Option<$ty> {
            const KIND: Kind = Kind::$variant;

            fn into_value(self) -> Value {
                Value::$variant(self)
            }

            fn from_value(value: Value) -> Result<Self, ProjectionError> {
                match value {
                    Value::$variant(v) => Ok(v),
                    other => Err(ProjectionError::Corrupt(format!(
                        "expected {}, found {other:?}",
                        $wanted
                    ))),
                }
            }
        }

        impl Column for $ty {
            const KIND: Kind = Kind::$variant;

            fn into_value(self) -> Value {
                Value::$variant(Some(self))
            }

            fn from_value(value: Value) -> Result<Self, ProjectionError> {
                Option::<$ty>::from_value(value)?.ok_or_else(|| {
                    ProjectionError::Corrupt(concat!("missing ", $wanted).to_owned())
                })
            }
        }
    };
}

column!(String, Text, "text");
column!(i64, Int, "integer");
column!(Vec<u8>, Blob, "blob");

/// Flags as 0/1.
impl Column for bool {
    const KIND: Kind = Kind::Int;

    fn into_value(self) -> Value {
        Value::Int(Some(i64::from(self)))
    }

    fn from_value(value: Value) -> Result<Self, ProjectionError> {
        Ok(i64::from_value(value)? != 0)
    }
}

/// A folded state kept whole in one BLOB column (postcard, as event
/// payloads are). Its bytes follow the type: a change to the type's shape
/// needs a migration that empties the view and replays it
/// (docs/projections.md).
#[derive(Clone, Debug)]
pub struct State<T>(pub T);

impl<T: Serialize + DeserializeOwned> Column for State<T> {
    const KIND: Kind = Kind::Blob;

    fn into_value(self) -> Value {
        Value::Blob(Some(cma_domain::codec::encode_payload(&self.0)))
    }

    fn from_value(value: Value) -> Result<Self, ProjectionError> {
        let bytes = Vec::<u8>::from_value(value)?;
        postcard_state(&bytes).map(State)
    }
}

fn postcard_state<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ProjectionError> {
    let name = std::any::type_name::<T>();
    cma_domain::codec::decode_payload(name, 0, bytes).map_err(|e| {
        let reason = match e {
            DecodeError::Payload { reason, .. } => reason,
            other => other.to_string(),
        };
        ProjectionError::Corrupt(format!(
            "a stored {name} does not read back ({reason}): its shape changed without a \
             migration replaying its view"
        ))
    })
}

/// Declares a read-model table once: the row struct (one field per column,
/// in column order) and the columns of its key.
///
/// ```text
/// table! {
///     /// Who owns each quote.
///     pub struct AuditQuoteRow in "audit_quotes" key (quote_id) {
///         quote_id: String,
///         team_id: String,
///     }
/// }
/// ```
macro_rules! table {
    (
        $(#[$meta:meta])*
        $vis:vis struct $row:ident in $name:literal key ($($key:ident),+) {
            $( $(#[$field_meta:meta])* $field:ident : $ty:ty ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $row {
            $( $(#[$field_meta])* pub $field: $ty ),+
        }

        impl $crate::table::Record for $row {
            const TABLE: $crate::table::Table = $crate::table::Table {
                name: $name,
                key: &[$(stringify!($key)),+],
                columns: &[$(
                    (stringify!($field), <$ty as $crate::table::Column>::KIND)
                ),+],
            };

            fn into_values(self) -> $crate::tx::Row {
                vec![$( $crate::table::Column::into_value(self.$field) ),+]
            }

            fn from_values(
                row: $crate::tx::Row,
            ) -> Result<Self, $crate::error::ProjectionError> {
                let mut values = row.into_iter();
                Ok(Self {
                    $( $field: $crate::table::Column::from_value(
                        values.next().unwrap_or($crate::tx::Value::Text(None)),
                    )? ),+
                })
            }
        }
    };
}
pub(crate) use table;

impl Table {
    /// The column names, comma-separated, for a SELECT list.
    pub fn column_list(&self) -> String {
        let names: Vec<&str> = self.columns.iter().map(|(name, _)| *name).collect();
        names.join(", ")
    }

    fn names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|(name, _)| *name).collect()
    }

    /// `ON CONFLICT (key) DO UPDATE SET` every other column (`DO NOTHING`
    /// when the key is the whole row).
    fn on_conflict(&self) -> String {
        let key = self.key.join(", ");
        let set: Vec<String> = self
            .columns
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| !self.key.contains(name))
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        if set.is_empty() {
            format!(" ON CONFLICT ({key}) DO NOTHING")
        } else {
            format!(" ON CONFLICT ({key}) DO UPDATE SET {}", set.join(", "))
        }
    }
}

async fn write<R: Record>(
    tx: &mut dyn Tx,
    tables: &TableNames,
    rows: impl IntoIterator<Item = R>,
    suffix: &str,
) -> Result<(), ProjectionError> {
    let rows: Vec<Row> = rows.into_iter().map(R::into_values).collect();
    if rows.is_empty() {
        return Ok(());
    }
    let table = R::TABLE;
    tx.insert(&tables.of(table.name), &table.names(), rows, suffix)
        .await
}

/// Inserts `rows`, each replacing any row with the same key.
pub async fn upsert<R: Record>(
    tx: &mut dyn Tx,
    tables: &TableNames,
    rows: impl IntoIterator<Item = R>,
) -> Result<(), ProjectionError> {
    write(tx, tables, rows, &R::TABLE.on_conflict()).await
}

/// Inserts `rows`, which must be new.
pub async fn insert<R: Record>(
    tx: &mut dyn Tx,
    tables: &TableNames,
    rows: impl IntoIterator<Item = R>,
) -> Result<(), ProjectionError> {
    write(tx, tables, rows, "").await
}

/// Writes each row as a batch leaves it, by its `key` column's value:
/// `Some` replaces any row with the same key, `None` deletes it.
pub async fn upsert_or_delete<R: Record, K: std::fmt::Display>(
    tx: &mut dyn Tx,
    tables: &TableNames,
    key: &str,
    rows: std::collections::HashMap<K, Option<R>>,
) -> Result<(), ProjectionError> {
    let (mut removed, mut kept) = (Vec::new(), Vec::new());
    for (k, row) in rows {
        match row {
            Some(row) => kept.push(row),
            None => removed.push(k.to_string()),
        }
    }
    delete_where::<R>(tx, tables, key, removed).await?;
    upsert(tx, tables, kept).await
}

/// Deletes every row of `R`'s table whose `column` is one of `values`.
pub async fn delete_where<R: Record>(
    tx: &mut dyn Tx,
    tables: &TableNames,
    column: &str,
    values: Vec<String>,
) -> Result<(), ProjectionError> {
    if values.is_empty() {
        return Ok(());
    }
    tx.delete_in(&tables.of(R::TABLE.name), column, values)
        .await
}

/// The rows of `R`'s table whose `column` is one of `values`, read whole.
pub async fn select_where<R: Record>(
    tx: &mut dyn Tx,
    tables: &TableNames,
    column: &str,
    values: Vec<String>,
) -> Result<Vec<R>, ProjectionError> {
    let table = R::TABLE;
    let kinds: Vec<Kind> = table.columns.iter().map(|(_, kind)| *kind).collect();
    let rows = select_in(
        tx,
        &tables.of(table.name),
        &table.column_list(),
        &kinds,
        column,
        values,
    )
    .await?;
    rows.into_iter().map(R::from_values).collect()
}

/// Two columns of `R`'s table, for the rows whose `column` is one of
/// `values`: a view reading back only what it needs (a key and a state).
pub async fn select_pairs<R: Record, A: Column, B: Column>(
    tx: &mut dyn Tx,
    tables: &TableNames,
    (first, second): (&str, &str),
    column: &str,
    values: Vec<String>,
) -> Result<Vec<(A, B)>, ProjectionError> {
    let rows = select_in(
        tx,
        &tables.of(R::TABLE.name),
        &format!("{first}, {second}"),
        &[A::KIND, B::KIND],
        column,
        values,
    )
    .await?;
    rows.into_iter()
        .map(|row| {
            let mut values = row.into_iter();
            let mut next = || values.next().unwrap_or(Value::Text(None));
            Ok((A::from_value(next())?, B::from_value(next())?))
        })
        .collect()
}

/// The folded states kept whole in the `state` column ([`State`]) of `R`'s
/// rows whose `key` is one of `keys`.
pub async fn select_states<R: Record, S>(
    tx: &mut dyn Tx,
    tables: &TableNames,
    key: &str,
    keys: Vec<String>,
) -> Result<Vec<S>, ProjectionError>
where
    State<S>: Column,
{
    let table = tables.of(R::TABLE.name);
    let rows = select_in(tx, &table, "state", &[Kind::Blob], key, keys).await?;
    rows.into_iter()
        .map(|row| {
            let value = row.into_iter().next().unwrap_or(Value::Blob(None));
            Ok(State::<S>::from_value(value)?.0)
        })
        .collect()
}

async fn select_in(
    tx: &mut dyn Tx,
    table: &str,
    select_list: &str,
    kinds: &[Kind],
    column: &str,
    values: Vec<String>,
) -> Result<Vec<Row>, ProjectionError> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let select = format!("SELECT {select_list} FROM {table} WHERE {column}");
    tx.select_in(&select, kinds, values).await
}
