//! Rate limits on login and token endpoints (docs/product.md §11.3), counted in the
//! database so every API process shares them: more than
//! [`PER_ACCOUNT`] counted attempts for one account, or more than [`PER_IP`]
//! from one IP, within [`WINDOW_SECONDS`] answer 429.
//!
//! A login from a known device (one that presents a valid known-device
//! cookie for the account, set at an earlier successful login) is counted
//! per device instead of per account ([`Limiter::from_known_device`], at
//! most [`PER_DEVICE`] counted attempts): failures from elsewhere cannot lock
//! the owner out of a device they logged in from before.
//!
//! An attempt is reserved before any work ([`Limiter::reserve`]): the rows
//! are written and counted in one transaction, serialised per bucket (a
//! process-wide lock, and on PostgreSQL an advisory transaction lock, for
//! other processes), so a burst of parallel attempts gets exactly the limit
//! through and no more. A successful attempt gives its reservation back
//! ([`Limiter::release`]); a failed one stays counted.
//!
//! Links are limited per source, not per account: a bad set-password or
//! reset token counts only against its IP address ([`Limiter::per_ip`]), so
//! a stranger's failures never stop the owner's valid link, and
//! reset-request counts per IP (429) and per address, where more than
//! [`RESET_LINKS_PER_ADDRESS`] requests issue no further link but answer
//! the same ([`Limiter::per_account`], [`Limiter::try_reserve`]).
//!
//! Buckets are keyed by a SHA-256 of the account as sent (so a bucket name
//! has a fixed length whatever was sent); the worker purges old attempts.

use crate::http::ApiError;
use cma_domain::Timestamp;
use cma_projections::{Backend, Records};
use sha2::{Digest, Sha256};

/// Longest email address accepted (RFC 5321's path limit less the angle
/// brackets); longer ones are refused before any work.
pub const MAX_EMAIL_BYTES: usize = 254;

/// Refuses (400) an email address longer than [`MAX_EMAIL_BYTES`].
pub fn check_email_length(email: &str) -> Result<(), ApiError> {
    match email.len() > MAX_EMAIL_BYTES {
        true => Err(ApiError::bad_request(format!(
            "an email address has at most {MAX_EMAIL_BYTES} bytes"
        ))),
        false => Ok(()),
    }
}

pub const WINDOW_SECONDS: i64 = 15 * 60;
pub const PER_ACCOUNT: i64 = 10;
pub const PER_IP: i64 = 100;
pub const PER_DEVICE: i64 = 10;
/// Reset links issued per address in the window; further requests answer
/// the same and issue nothing (the per-IP limit still answers 429).
pub const RESET_LINKS_PER_ADDRESS: i64 = 3;

/// The endpoint family a counter belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    StaffLogin,
    PortalLogin,
    SetPassword,
    Reset,
    ResetRequest,
    Signup,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::StaffLogin => "staff-login",
            Action::PortalLogin => "portal-login",
            Action::SetPassword => "set-password",
            Action::Reset => "reset",
            Action::ResetRequest => "reset-request",
            Action::Signup => "signup",
        }
    }
}

/// The counters one attempt is charged to, each with its limit.
#[derive(Clone, Debug)]
pub struct Limiter {
    buckets: Vec<(String, i64)>,
}

/// Serialises reservations within this process (SQLite has one writer
/// anyway; PostgreSQL adds an advisory lock for other processes).
static RESERVING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn account_bucket(action: Action, account: &str) -> String {
    format!(
        "{}:account:{}",
        action.as_str(),
        hex::encode(Sha256::digest(account.trim().to_lowercase()))
    )
}

fn ip_bucket(action: Action, ip: &str) -> (String, i64) {
    (format!("{}:ip:{ip}", action.as_str()), PER_IP)
}

impl Limiter {
    /// Counters for `action` on `account` (an email or a login id) from `ip`.
    pub fn new(action: Action, account: &str, ip: Option<&str>) -> Self {
        let account = (account_bucket(action, account), PER_ACCOUNT);
        Self {
            buckets: std::iter::once(account)
                .chain(ip.map(|ip| ip_bucket(action, ip)))
                .collect(),
        }
    }

    /// Counters for `action` from the known device `device` (an id whose
    /// cookie was verified for the account) from `ip`: the device's counter
    /// replaces the account's.
    pub fn from_known_device(action: Action, device: &str, ip: Option<&str>) -> Self {
        let device = (
            format!(
                "{}:device:{}",
                action.as_str(),
                hex::encode(Sha256::digest(device))
            ),
            PER_DEVICE,
        );
        Self {
            buckets: std::iter::once(device)
                .chain(ip.map(|ip| ip_bucket(action, ip)))
                .collect(),
        }
    }

    /// The counter of `action` from `ip` alone (requests without a known
    /// address share one): what a stranger does from there never counts
    /// against an account.
    pub fn per_ip(action: Action, ip: Option<&str>) -> Self {
        Self {
            buckets: vec![ip_bucket(action, ip.unwrap_or("unknown"))],
        }
    }

    /// The counter of `action` on `account` alone, at most `limit` per window.
    pub fn per_account(action: Action, account: &str, limit: i64) -> Self {
        Self {
            buckets: vec![(account_bucket(action, account), limit)],
        }
    }

    fn buckets(&self) -> impl Iterator<Item = (&String, i64)> {
        self.buckets.iter().map(|(bucket, limit)| (bucket, *limit))
    }

    /// Counts one attempt against every counter, or refuses (429, counting
    /// nothing) when any is already at its limit.
    pub async fn reserve(&self, db: &Records, now: Timestamp) -> Result<(), ApiError> {
        match self.try_reserve(db, now).await? {
            true => Ok(()),
            false => Err(ApiError::too_many_requests()),
        }
    }

    /// Counts one attempt against every counter: false (counting nothing)
    /// when any is already at its limit.
    pub async fn try_reserve(&self, db: &Records, now: Timestamp) -> Result<bool, ApiError> {
        let _serial = RESERVING.lock().await;
        let since = now.plus_seconds(-WINDOW_SECONDS).as_micros();
        let mut tx = db.begin().await?;
        for (bucket, _) in self.buckets() {
            if db.backend() == Backend::Postgres {
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))::text")
                    .bind(bucket)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("DELETE FROM auth_attempts WHERE bucket = $1 AND at <= $2")
                .bind(bucket)
                .bind(since)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO auth_attempts (bucket, at) VALUES ($1, $2)")
                .bind(bucket)
                .bind(now.as_micros())
                .execute(&mut *tx)
                .await?;
        }
        for (bucket, limit) in self.buckets() {
            let (n,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM auth_attempts WHERE bucket = $1 AND at > $2")
                    .bind(bucket)
                    .bind(since)
                    .fetch_one(&mut *tx)
                    .await?;
            if n > limit {
                tx.rollback().await?;
                return Ok(false);
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Gives back the attempt [`Limiter::reserve`] counted at `now` (it
    /// succeeded, so it is not a failure to count).
    pub async fn release(&self, db: &Records, now: Timestamp) -> Result<(), ApiError> {
        let one_row = match db.backend() {
            Backend::Sqlite => {
                "DELETE FROM auth_attempts WHERE rowid IN \
                 (SELECT rowid FROM auth_attempts WHERE bucket = $1 AND at = $2 LIMIT 1)"
            }
            Backend::Postgres => {
                "DELETE FROM auth_attempts WHERE ctid IN \
                 (SELECT ctid FROM auth_attempts WHERE bucket = $1 AND at = $2 LIMIT 1)"
            }
        };
        for (bucket, _) in self.buckets() {
            sqlx::query(one_row)
                .bind(bucket)
                .bind(now.as_micros())
                .execute(db.writes())
                .await?;
        }
        Ok(())
    }
}
