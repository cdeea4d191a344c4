//! Rate limits on login and token endpoints (PRODUCT §11.3), counted in the
//! database so every API process shares them: more than
//! [`PER_ACCOUNT`] counted attempts for one account, or more than [`PER_IP`]
//! from one IP, within [`WINDOW_SECONDS`] answer 429.

use crate::http::ApiError;
use cma_domain::Timestamp;
use sqlx::AnyPool;

pub const WINDOW_SECONDS: i64 = 15 * 60;
pub const PER_ACCOUNT: i64 = 10;
pub const PER_IP: i64 = 100;

/// The endpoint family a counter belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    StaffLogin,
    PortalLogin,
    SetPassword,
    Reset,
    ResetRequest,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::StaffLogin => "staff-login",
            Action::PortalLogin => "portal-login",
            Action::SetPassword => "set-password",
            Action::Reset => "reset",
            Action::ResetRequest => "reset-request",
        }
    }
}

/// The two counters one attempt is charged to.
#[derive(Clone, Debug)]
pub struct Limiter {
    account: String,
    ip: Option<String>,
}

impl Limiter {
    /// Counters for `action` on `account` (an email or a login id) from `ip`.
    pub fn new(action: Action, account: &str, ip: Option<&str>) -> Self {
        Self {
            account: format!(
                "{}:account:{}",
                action.as_str(),
                account.trim().to_lowercase()
            ),
            ip: ip.map(|ip| format!("{}:ip:{ip}", action.as_str())),
        }
    }

    /// Refuses (429) when either counter is over its limit.
    pub async fn check(&self, db: &AnyPool, now: Timestamp) -> Result<(), ApiError> {
        let since = now.plus_seconds(-WINDOW_SECONDS).as_micros();
        if count(db, &self.account, since).await? >= PER_ACCOUNT {
            return Err(ApiError::too_many_requests());
        }
        if let Some(ip) = &self.ip
            && count(db, ip, since).await? >= PER_IP
        {
            return Err(ApiError::too_many_requests());
        }
        Ok(())
    }

    /// Counts one attempt against both counters, dropping expired ones.
    pub async fn charge(&self, db: &AnyPool, now: Timestamp) -> Result<(), ApiError> {
        let mut tx = db.begin().await?;
        let since = now.plus_seconds(-WINDOW_SECONDS).as_micros();
        for bucket in std::iter::once(&self.account).chain(self.ip.as_ref()) {
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
        tx.commit().await?;
        Ok(())
    }
}

async fn count(db: &AnyPool, bucket: &str, since: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM auth_attempts WHERE bucket = $1 AND at > $2")
            .bind(bucket)
            .bind(since)
            .fetch_one(db)
            .await?;
    Ok(n)
}
