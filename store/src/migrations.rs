//! Schema migrations, embedded from `migrations/`. The event log and the read
//! models have separate sets, each tracked in its own table: on the embedded
//! default they live in separate SQLite files (so projectors never block the
//! log's writer); on PostgreSQL both sets share one database.

use crate::store::StoreError;
use sqlx::migrate::Migrator;
use std::borrow::Cow;

static SQLITE: Migrator = Migrator {
    table_name: Cow::Borrowed("_cma_migrations_events"),
    ..sqlx::migrate!("../migrations/sqlite/events")
};

static POSTGRES: Migrator = Migrator {
    table_name: Cow::Borrowed("_cma_migrations_events"),
    ..sqlx::migrate!("../migrations/postgres/events")
};

/// Applies the event-log migrations to an SQLite database.
pub async fn sqlite(pool: &sqlx::SqlitePool) -> Result<(), StoreError> {
    Ok(SQLITE.run(pool).await?)
}

/// Applies the event-log migrations to a PostgreSQL database.
pub async fn postgres(pool: &sqlx::PgPool) -> Result<(), StoreError> {
    Ok(POSTGRES.run(pool).await?)
}
