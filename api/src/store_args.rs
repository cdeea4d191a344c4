//! The settings that name the stores: where the event log, the read models
//! and uploaded content are (all a maintenance command such as `cma audit`
//! takes).

use crate::config::Config;
use clap::Args;
use std::path::PathBuf;

/// Where the event log and the read models are.
#[derive(Args, Clone, Debug)]
pub struct StoreArgs {
    /// Embedded SQLite files, stored uploads and the `.eml` outbox.
    #[arg(long, env = "CMA_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// `postgres://...` puts the event log and the read models on PostgreSQL.
    #[arg(long, env = "CMA_DATABASE_URL")]
    pub database_url: Option<String>,

    /// `kurrentdb://...` or `esdb://...` puts the event log on KurrentDB.
    #[arg(long, env = "CMA_EVENTSTORE_URL")]
    pub eventstore_url: Option<String>,
}

impl StoreArgs {
    pub fn events_db(&self) -> PathBuf {
        self.data_dir.join("events.db")
    }

    pub fn read_db(&self) -> PathBuf {
        self.data_dir.join("read.db")
    }

    /// Where uploaded content is stored by SHA-256 (or staged for a bucket).
    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }

    /// Whether the event log is the SQLite file in the data directory.
    pub fn log_is_embedded(&self) -> bool {
        self.database_url.is_none() && self.eventstore_url.is_none()
    }

    /// A command that only reads refuses to start on an embedded event log
    /// that is not there, rather than create an empty one.
    pub fn existing(&self) -> anyhow::Result<&Self> {
        if self.log_is_embedded() {
            let events = self.events_db();
            if !events.is_file() {
                anyhow::bail!(
                    "there is no event log at {}: is the data directory (--data-dir, \
                     CMA_DATA_DIR) right?",
                    events.display()
                );
            }
        }
        Ok(self)
    }
}

/// Whatever names the stores: a maintenance command's [`StoreArgs`], or a
/// server's whole [`Config`].
pub trait Stores {
    fn stores(&self) -> StoreArgs;
}

impl Stores for StoreArgs {
    fn stores(&self) -> StoreArgs {
        self.clone()
    }
}

impl Stores for Config {
    fn stores(&self) -> StoreArgs {
        self.stores.clone()
    }
}
