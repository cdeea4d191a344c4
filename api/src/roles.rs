//! What one `cma serve` process does (`--roles`, `CMA_ROLES`): serve the
//! API, run the projectors, run the worker, or any of them. On PostgreSQL
//! API processes scale out behind a load balancer while the projectors and
//! the worker run where their leases are held, with standbys elsewhere.
//! On the embedded SQLite default one process owns the data directory and
//! runs them all.

use crate::config::Config;
use cma_projections::{Backend, ReadDb};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

/// The roles of one process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Roles {
    /// The HTTP API and the web pages.
    pub api: bool,
    /// The read-model projectors.
    pub projector: bool,
    /// The worker: emails and timed rules.
    pub worker: bool,
}

impl Roles {
    pub const ALL: Roles = Roles {
        api: true,
        projector: true,
        worker: true,
    };

    pub const WORKER: Roles = Roles {
        api: false,
        projector: false,
        worker: true,
    };

    /// The names of the roles taken, in a fixed order.
    pub fn names(self) -> Vec<&'static str> {
        [
            (self.api, "api"),
            (self.projector, "projector"),
            (self.worker, "worker"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }

    /// Refuses a set of roles that cannot work with this configuration: on
    /// the embedded SQLite default one process owns the data directory, so
    /// it must take every role.
    pub fn check(self, config: &Config) -> anyhow::Result<()> {
        if config.stores.database_url.is_none() && self != Roles::ALL {
            anyhow::bail!(
                "roles {self} need the read models on PostgreSQL (CMA_DATABASE_URL): on the \
                 embedded SQLite default one process owns the data directory {} and takes \
                 every role (api,projector,worker)",
                config.stores.data_dir.display()
            );
        }
        Ok(())
    }
}

impl Default for Roles {
    fn default() -> Self {
        Self::ALL
    }
}

impl fmt::Display for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(","))
    }
}

/// A comma-separated list of `api`, `projector`, `worker` (or `all`).
impl FromStr for Roles {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut roles = Roles {
            api: false,
            projector: false,
            worker: false,
        };
        for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name.to_ascii_lowercase().as_str() {
                "api" => roles.api = true,
                "projector" | "projectors" => roles.projector = true,
                "worker" => roles.worker = true,
                "all" => roles = Roles::ALL,
                _ => {
                    return Err(format!(
                        "unknown role {name:?}: the roles are api, projector and worker (or all)"
                    ));
                }
            }
        }
        if roles.names().is_empty() {
            return Err("no role given: name one or more of api, projector, worker".to_owned());
        }
        Ok(roles)
    }
}

/// Names this process's database sessions (`application_name`, shown in
/// `pg_stat_activity`) unless the URL names them already, so that the
/// readiness report can tell a lease held here from one held elsewhere.
pub fn name_sessions(mut config: Config) -> Config {
    if let Some(url) = &config.stores.database_url
        && !url.contains("application_name=")
    {
        let separator = if url.contains('?') { '&' } else { '?' };
        let name = format!(
            "cma-{}-{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        config.stores.database_url = Some(format!("{url}{separator}application_name={name}"));
    }
    config
}

/// Who holds a lease.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Holder {
    /// This process.
    Here,
    /// Another process: this one is a standby.
    Elsewhere,
    /// Nobody, for the moment (a process is taking it over).
    Nobody,
}

/// The lease namespace of the projections runner ("CMAP"), which the
/// worker's followers run on too.
const LEASE_NAMESPACE: i64 = 0x434d_4150;

/// Who holds the lease of follower `name`, on PostgreSQL; on SQLite this
/// process runs everything.
pub async fn lease_holder(db: &ReadDb, name: &str) -> Result<Holder, sqlx::Error> {
    if db.backend() == Backend::Sqlite {
        return Ok(Holder::Here);
    }
    let holders: Vec<bool> = sqlx::query_scalar(
        "SELECT a.application_name = current_setting('application_name') \
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 \
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
           AND l.classid::text::bigint = $1 \
           AND l.objid::text::bigint = (hashtext($2)::bigint & 4294967295)",
    )
    .bind(LEASE_NAMESPACE)
    .bind(name)
    .fetch_all(db.pool())
    .await?;
    Ok(match holders.first() {
        Some(true) => Holder::Here,
        Some(false) => Holder::Elsewhere,
        None => Holder::Nobody,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_a_comma_separated_list() {
        assert_eq!("api,projector,worker".parse(), Ok(Roles::ALL));
        assert_eq!("all".parse(), Ok(Roles::ALL));
        assert_eq!(" worker ".parse(), Ok(Roles::WORKER));
        let api: Roles = "api".parse().expect("roles");
        assert_eq!(api.names(), ["api"]);
        assert_eq!(api.to_string(), "api");
        assert!("".parse::<Roles>().is_err());
        assert!("api,web".parse::<Roles>().is_err());
    }
}
