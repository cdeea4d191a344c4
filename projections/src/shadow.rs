//! Shadow tables for a rebuild: empty copies of a projector's tables,
//! filled beside the live ones, then swapped in by renaming inside one
//! transaction. Secondary indexes are left off while filling (they are
//! built during the swap under their original names); unique indexes stay,
//! as upserts need them.

use crate::db::{Backend, ReadDb};
use crate::error::ProjectionError;
use crate::projector::TableNames;
use sqlx::AnyConnection;

/// One live table and what recreating it in the swap needs.
pub struct Shadow {
    table: String,
    shadow: String,
    /// Statements run after the rename, inside the swap transaction.
    after_rename: Vec<String>,
}

fn exec(sql: String) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
    sqlx::query(sqlx::AssertSqlSafe(sql))
}

impl Shadow {
    /// Creates the empty shadow of `table`, dropping any left by an
    /// interrupted rebuild.
    pub async fn create(
        db: &ReadDb,
        conn: &mut AnyConnection,
        table: &str,
    ) -> Result<Shadow, ProjectionError> {
        let shadow = TableNames::SHADOW.of(table);
        exec(format!("DROP TABLE IF EXISTS {shadow}"))
            .execute(&mut *conn)
            .await?;
        let after_rename = match db.backend() {
            Backend::Sqlite => sqlite(conn, table, &shadow).await?,
            Backend::Postgres => postgres(conn, table, &shadow).await?,
        };
        Ok(Shadow {
            table: table.to_owned(),
            shadow,
            after_rename,
        })
    }

    /// Inside the swap transaction: the shadow takes the live table's place.
    pub async fn swap(&self, conn: &mut AnyConnection) -> Result<(), ProjectionError> {
        exec(format!("DROP TABLE {}", self.table))
            .execute(&mut *conn)
            .await?;
        exec(format!(
            "ALTER TABLE {} RENAME TO {}",
            self.shadow, self.table
        ))
        .execute(&mut *conn)
        .await?;
        for statement in &self.after_rename {
            exec(statement.clone()).execute(&mut *conn).await?;
        }
        Ok(())
    }
}

/// SQLite: the table's own DDL under the shadow name; its indexes' DDL for later.
async fn sqlite(
    conn: &mut AnyConnection,
    table: &str,
    shadow: &str,
) -> Result<Vec<String>, ProjectionError> {
    let ddl: Option<String> =
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1")
            .bind(table)
            .fetch_optional(&mut *conn)
            .await?;
    let ddl = ddl.ok_or_else(|| ProjectionError::corrupt("table", table))?;
    let columns = ddl
        .find('(')
        .map(|at| &ddl[at..])
        .ok_or_else(|| ProjectionError::corrupt("table definition", &ddl))?;
    exec(format!("CREATE TABLE {shadow} {columns}"))
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query_scalar(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await?)
}

/// PostgreSQL: the columns and defaults, the unique indexes under shadow
/// names (renamed back in the swap), the other indexes' DDL for later.
async fn postgres(
    conn: &mut AnyConnection,
    table: &str,
    shadow: &str,
) -> Result<Vec<String>, ProjectionError> {
    exec(format!(
        "CREATE TABLE {shadow} (LIKE {table} INCLUDING DEFAULTS)"
    ))
    .execute(&mut *conn)
    .await?;
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT indexname::text, indexdef FROM pg_indexes \
         WHERE schemaname = current_schema() AND tablename = $1 ORDER BY indexname",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await?;
    let mut after_rename = Vec::new();
    for (i, (name, def)) in indexes.into_iter().enumerate() {
        if !def.starts_with("CREATE UNIQUE INDEX") {
            after_rename.push(def);
            continue;
        }
        let method = def
            .split_once(" USING ")
            .map(|(_, rest)| rest)
            .ok_or_else(|| ProjectionError::corrupt("index definition", &def))?;
        let temporary = format!("{shadow}_unique_{i}");
        exec(format!(
            "CREATE UNIQUE INDEX {temporary} ON {shadow} USING {method}"
        ))
        .execute(&mut *conn)
        .await?;
        after_rename.push(format!("ALTER INDEX {temporary} RENAME TO {name}"));
    }
    Ok(after_rename)
}
