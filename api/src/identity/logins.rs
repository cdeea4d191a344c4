//! Logins by email: a write-side index naming the credentials stream (the
//! principal's id) that holds the password for an address.
//!
//! The API writes it right after the append that creates or changes a login
//! (staff signup, client invite), so a login right after works at once. It
//! holds nothing the credentials events do not: lost, it is rebuilt from
//! `CredentialsStaffRegistered` and `CredentialsInviteIssued`.

use super::principal::{Kind, Principal};
use sqlx::AnyPool;

/// The address as logins are keyed: trimmed, lower-case.
pub fn normalise(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Makes `email` the login address of `principal` (replacing any earlier one).
pub async fn record(db: &AnyPool, principal: Principal, email: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM logins WHERE principal_kind = $1 AND principal_id = $2")
        .bind(principal.kind().as_str())
        .bind(principal.id().to_string())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO logins (principal_kind, email, principal_id, team_id) VALUES ($1, $2, $3, $4)",
    )
    .bind(principal.kind().as_str())
    .bind(normalise(email))
    .bind(principal.id().to_string())
    .bind(principal.team().to_string())
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Claims `email` for a new staff login, `staff` of `team`: false when a
/// staff login already holds it. The claim is the index row itself, and the
/// database's unique index on staff addresses decides between concurrent
/// claims, so exactly one of them gets true.
pub async fn claim_staff(db: &AnyPool, staff: Principal, email: &str) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO logins (principal_kind, email, principal_id, team_id) \
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(staff.kind().as_str())
    .bind(normalise(email))
    .bind(staff.id().to_string())
    .bind(staff.team().to_string())
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Gives back a claim whose signup did not complete.
pub async fn unclaim(db: &AnyPool, principal: Principal) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM logins WHERE principal_kind = $1 AND principal_id = $2")
        .bind(principal.kind().as_str())
        .bind(principal.id().to_string())
        .execute(db)
        .await?;
    Ok(())
}

/// Every login of this kind at `email` (a person may be a client of two teams).
pub async fn find(db: &AnyPool, kind: Kind, email: &str) -> Result<Vec<Principal>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT principal_id, team_id FROM logins WHERE principal_kind = $1 AND email = $2",
    )
    .bind(kind.as_str())
    .bind(normalise(email))
    .fetch_all(db)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|(id, team)| Principal::from_columns(kind.as_str(), id, team))
        .collect())
}
