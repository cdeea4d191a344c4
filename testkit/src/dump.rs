//! Every row of every read-model table as sorted text: how tests compare
//! read models with a rebuild (projections, operations and fault tests).

use cma_projections::ReadDb;
use sqlx::any::AnyRow;
use sqlx::{Column, Row};
use std::collections::BTreeMap;

/// Every row of every read-model table, as sorted text.
pub async fn dump(db: &ReadDb) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for projector in cma_projections::views::all() {
        for table in projector.tables() {
            let rows: Vec<AnyRow> =
                sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}")))
                    .fetch_all(db.pool())
                    .await
                    .expect("dump a table");
            let mut lines: Vec<String> = rows.iter().map(row_text).collect();
            lines.sort();
            out.insert((*table).to_owned(), lines);
        }
    }
    out
}

fn row_text(row: &AnyRow) -> String {
    row.columns()
        .iter()
        .map(|c| {
            let i = c.ordinal();
            let value = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
                format!("{v:?}")
            } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
                format!("{v:?}")
            } else if let Ok(v) = row.try_get::<Option<Vec<u8>>, _>(i) {
                format!("{:?}", v.map(hex))
            } else {
                "?".to_owned()
            };
            format!("{}={value}", c.name())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn hex(bytes: Vec<u8>) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
