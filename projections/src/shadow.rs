//! Shadow tables for a rebuild: empty copies of a projector's tables,
//! filled beside the live ones, then swapped in by renaming inside one
//! transaction. Secondary indexes are left off while filling (they are
//! built during the swap under their original names); unique indexes stay,
//! as upserts need them.

use crate::db::Backend;
use crate::error::ProjectionError;
use crate::projector::TableNames;
use crate::tx::{Fields, Kind, Tx};

/// One live table and what recreating it in the swap needs.
pub struct Shadow {
    table: String,
    shadow: String,
    /// Statements run after the rename, inside the swap transaction.
    after_rename: Vec<String>,
}

impl Shadow {
    /// Creates the empty shadow of `table`, dropping any left by an
    /// interrupted rebuild.
    pub async fn create(
        backend: Backend,
        tx: &mut dyn Tx,
        table: &str,
    ) -> Result<Shadow, ProjectionError> {
        let shadow = TableNames::SHADOW.of(table);
        tx.execute(&format!("DROP TABLE IF EXISTS {shadow}"), vec![])
            .await?;
        let after_rename = match backend {
            Backend::Sqlite => sqlite(tx, table, &shadow).await?,
            Backend::Postgres => postgres(tx, table, &shadow).await?,
        };
        Ok(Shadow {
            table: table.to_owned(),
            shadow,
            after_rename,
        })
    }

    /// Inside the swap transaction: the shadow takes the live table's place.
    pub async fn swap(&self, tx: &mut dyn Tx) -> Result<(), ProjectionError> {
        tx.execute(&format!("DROP TABLE {}", self.table), vec![])
            .await?;
        tx.execute(
            &format!("ALTER TABLE {} RENAME TO {}", self.shadow, self.table),
            vec![],
        )
        .await?;
        for statement in &self.after_rename {
            tx.execute(statement, vec![]).await?;
        }
        Ok(())
    }
}

/// The first column of each row, as text.
async fn texts(tx: &mut dyn Tx, sql: &str, table: &str) -> Result<Vec<String>, ProjectionError> {
    let rows = tx.query(sql, vec![table.into()], &[Kind::Text]).await?;
    rows.into_iter()
        .map(|row| Fields::new(row).text())
        .collect()
}

/// SQLite: the table's own DDL under the shadow name; its indexes' DDL for later.
async fn sqlite(
    tx: &mut dyn Tx,
    table: &str,
    shadow: &str,
) -> Result<Vec<String>, ProjectionError> {
    let ddl = texts(
        tx,
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1",
        table,
    )
    .await?
    .into_iter()
    .next()
    .ok_or_else(|| ProjectionError::corrupt("table", table))?;
    let columns = ddl
        .find('(')
        .map(|at| &ddl[at..])
        .ok_or_else(|| ProjectionError::corrupt("table definition", &ddl))?;
    tx.execute(&format!("CREATE TABLE {shadow} {columns}"), vec![])
        .await?;
    texts(
        tx,
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL",
        table,
    )
    .await
}

/// PostgreSQL: the columns and defaults, the unique indexes under shadow
/// names (renamed back in the swap), the other indexes' DDL for later.
async fn postgres(
    tx: &mut dyn Tx,
    table: &str,
    shadow: &str,
) -> Result<Vec<String>, ProjectionError> {
    tx.execute(
        &format!("CREATE TABLE {shadow} (LIKE {table} INCLUDING DEFAULTS)"),
        vec![],
    )
    .await?;
    let indexes = tx
        .query(
            "SELECT indexname::text, indexdef FROM pg_indexes \
             WHERE schemaname = current_schema() AND tablename = $1 ORDER BY indexname",
            vec![table.into()],
            &[Kind::Text, Kind::Text],
        )
        .await?;
    let mut after_rename = Vec::new();
    for (i, row) in indexes.into_iter().enumerate() {
        let mut fields = Fields::new(row);
        let (name, def) = (fields.text()?, fields.text()?);
        if !def.starts_with("CREATE UNIQUE INDEX") {
            after_rename.push(def);
            continue;
        }
        let method = def
            .split_once(" USING ")
            .map(|(_, rest)| rest)
            .ok_or_else(|| ProjectionError::corrupt("index definition", &def))?;
        let temporary = format!("{shadow}_unique_{i}");
        tx.execute(
            &format!("CREATE UNIQUE INDEX {temporary} ON {shadow} USING {method}"),
            vec![],
        )
        .await?;
        after_rename.push(format!("ALTER INDEX {temporary} RENAME TO {name}"));
    }
    Ok(after_rename)
}
