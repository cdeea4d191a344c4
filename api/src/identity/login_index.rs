//! Logins by email: a write-side index naming the credentials stream (the
//! principal's id) that holds the password for an address.
//!
//! The API writes it right after the append that creates or changes a login
//! (staff signup, client invite), so a login right after works at once. It
//! holds nothing the credentials events do not: lost, it is rebuilt from
//! `CredentialsStaffRegistered` and `CredentialsInviteIssued`.

use super::principal::{Kind, Principal};
use cma_domain::Timestamp;
use cma_projections::Records;
use sqlx::AnyPool;

/// The address as logins are keyed: trimmed, lower-case.
pub fn normalise(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Makes `email` the login address of `principal` (replacing any earlier one).
pub async fn record(db: &Records, principal: Principal, email: &str) -> Result<(), sqlx::Error> {
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

/// How old a signup's claim must be before a later signup may take it over
/// (when its staff member has no credentials): far longer than any signup
/// takes, so only a signup that can no longer finish (its process died, or
/// its request was dropped between the claim and the appends) loses it.
pub const ABANDONED_AFTER_SECONDS: i64 = 10 * 60;

/// What a signup's claim of an address found.
#[derive(Debug)]
pub enum Claim {
    /// The address is this signup's.
    Mine,
    /// A staff login or a signup in progress holds it.
    Taken,
    /// An unfinished signup claimed it more than [`ABANDONED_AFTER_SECONDS`]
    /// ago: [`take_over`] frees it once the write side shows that the
    /// signup recorded no credentials.
    Stale(StaleClaim),
}

/// A claim old enough to be taken over.
#[derive(Debug)]
pub struct StaleClaim {
    pub staff: Principal,
    email: String,
    claimed_at: i64,
}

/// Claims `email` for a new staff login, `staff` of `team`, at `now`. The
/// claim is the index row itself, marked with when it was made until
/// [`confirm`] clears the mark, and the database's unique index on staff
/// addresses decides between concurrent claims, so exactly one of them gets
/// [`Claim::Mine`].
pub async fn claim_staff(
    db: &AnyPool,
    staff: Principal,
    email: &str,
    now: Timestamp,
) -> Result<Claim, sqlx::Error> {
    let email = normalise(email);
    let inserted = sqlx::query(
        "INSERT INTO logins (principal_kind, email, principal_id, team_id, claimed_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    )
    .bind(staff.kind().as_str())
    .bind(&email)
    .bind(staff.id().to_string())
    .bind(staff.team().to_string())
    .bind(now.as_micros())
    .execute(db)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Claim::Mine);
    }
    let stale_before = now.plus_seconds(-ABANDONED_AFTER_SECONDS).as_micros();
    let holder: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT principal_id, team_id, claimed_at FROM logins \
         WHERE principal_kind = $1 AND email = $2 AND claimed_at IS NOT NULL \
         AND claimed_at <= $3",
    )
    .bind(Kind::Staff.as_str())
    .bind(&email)
    .bind(stale_before)
    .fetch_optional(db)
    .await?;
    Ok(holder
        .and_then(|(id, team, claimed_at)| {
            let staff = Principal::from_columns(Kind::Staff.as_str(), &id, &team)?;
            Some(Claim::Stale(StaleClaim {
                staff,
                email,
                claimed_at,
            }))
        })
        .unwrap_or(Claim::Taken))
}

/// Removes a stale claim, which the caller found has no credentials on the
/// write side: true for the one caller whose delete removed it (the row must
/// still be the same claim, so concurrent takers cannot both succeed, and a
/// claim confirmed meanwhile is left alone). The caller then claims again,
/// and the unique index decides between it and any other signup.
pub async fn take_over(db: &AnyPool, stale: &StaleClaim) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query(
        "DELETE FROM logins WHERE principal_kind = $1 AND email = $2 \
         AND principal_id = $3 AND claimed_at = $4",
    )
    .bind(stale.staff.kind().as_str())
    .bind(&stale.email)
    .bind(stale.staff.id().to_string())
    .bind(stale.claimed_at)
    .execute(db)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

/// Marks a claim as a finished signup's login, which is never taken over.
pub async fn confirm(db: &AnyPool, principal: Principal) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE logins SET claimed_at = NULL WHERE principal_kind = $1 AND principal_id = $2",
    )
    .bind(principal.kind().as_str())
    .bind(principal.id().to_string())
    .execute(db)
    .await?;
    Ok(())
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
