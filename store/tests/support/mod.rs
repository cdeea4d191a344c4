//! What the store's test binaries share: the test PostgreSQL server's admin
//! connection and the envelopes their events carry.

use cma_store::Metadata;
use sqlx::Connection;
use uuid::Uuid;

/// The test server's `test` database; the suites fail, never skip, when it
/// is unreachable.
pub const POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Runs `statement` as the test server's admin.
pub async fn admin(statement: &str) {
    let mut conn = sqlx::PgConnection::connect(POSTGRES_ADMIN_URL)
        .await
        .expect("the test PostgreSQL server at 127.0.0.1:5432 is reachable");
    sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_owned()))
        .execute(&mut conn)
        .await
        .expect(statement);
    conn.close().await.expect("close the admin connection");
}

/// Metadata with every field set: a new correlation and causation, and
/// this address and user agent.
pub fn traced(ip: &str, user_agent: &str) -> Metadata {
    Metadata {
        correlation_id: Uuid::new_v4(),
        causation_id: Some(Uuid::new_v4()),
        ip: Some(ip.to_owned()),
        user_agent: Some(user_agent.to_owned()),
    }
}

/// Metadata with a new correlation and every optional field empty.
pub fn untraced() -> Metadata {
    Metadata {
        correlation_id: Uuid::new_v4(),
        ..Metadata::default()
    }
}
