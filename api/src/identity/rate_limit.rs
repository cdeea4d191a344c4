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
//! Buckets are keyed by a SHA-256 of the account as sent (so a bucket name
//! has a fixed length whatever was sent); the worker purges old attempts.

use crate::http::ApiError;
use cma_domain::Timestamp;
use cma_projections::{Backend, ReadDb};
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

/// The two counters one attempt is charged to.
#[derive(Clone, Debug)]
pub struct Limiter {
    account: String,
    account_limit: i64,
    ip: Option<String>,
}

/// Serialises reservations within this process (SQLite has one writer
/// anyway; PostgreSQL adds an advisory lock for other processes).
static RESERVING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl Limiter {
    /// Counters for `action` on `account` (an email or a login id) from `ip`.
    pub fn new(action: Action, account: &str, ip: Option<&str>) -> Self {
        Self {
            account: format!(
                "{}:account:{}",
                action.as_str(),
                hex::encode(Sha256::digest(account.trim().to_lowercase()))
            ),
            account_limit: PER_ACCOUNT,
            ip: ip.map(|ip| format!("{}:ip:{ip}", action.as_str())),
        }
    }

    /// Counters for `action` from the known device `device` (an id whose
    /// cookie was verified for the account) from `ip`: the device's counter
    /// replaces the account's.
    pub fn from_known_device(action: Action, device: &str, ip: Option<&str>) -> Self {
        Self {
            account: format!(
                "{}:device:{}",
                action.as_str(),
                hex::encode(Sha256::digest(device))
            ),
            account_limit: PER_DEVICE,
            ip: ip.map(|ip| format!("{}:ip:{ip}", action.as_str())),
        }
    }

    fn buckets(&self) -> impl Iterator<Item = (&String, i64)> {
        std::iter::once((&self.account, self.account_limit))
            .chain(self.ip.iter().map(|ip| (ip, PER_IP)))
    }

    /// Counts one attempt against both counters, or refuses (429, counting
    /// nothing) when either is already at its limit.
    pub async fn reserve(&self, db: &ReadDb, now: Timestamp) -> Result<(), ApiError> {
        let _serial = RESERVING.lock().await;
        let since = now.plus_seconds(-WINDOW_SECONDS).as_micros();
        let mut tx = db.pool().begin().await?;
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
                return Err(ApiError::too_many_requests());
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Gives back the attempt [`Limiter::reserve`] counted at `now` (it
    /// succeeded, so it is not a failure to count).
    pub async fn release(&self, db: &ReadDb, now: Timestamp) -> Result<(), ApiError> {
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
                .execute(db.pool())
                .await?;
        }
        Ok(())
    }
}
