//! The one process that owns the embedded default's data directory.
//!
//! On the embedded default one `cma serve` owns `CMA_DATA_DIR`
//! (docs/operations.md, "Two deployments"): it alone appends to the log and
//! writes the sessions, so it knows the streams' versions and keeps the
//! sessions in memory. A second `cma serve` on the same directory would
//! break that, so each takes an exclusive lock on a file there and the
//! second is refused at startup with a plain message.

use crate::store_args::StoreArgs;
use anyhow::Context;
use std::fs::{File, OpenOptions, TryLockError};

/// The lock file in the data directory.
pub const LOCK_FILE: &str = "serve.lock";

/// The lock of this process on the data directory, held while it lives
/// (the system releases it when the process ends, however it ends).
#[derive(Debug)]
pub struct Owner {
    _lock: File,
}

/// Takes the data directory for this process on the embedded default
/// (`None` on PostgreSQL, where any number of processes share the database).
pub fn own_data_directory(stores: &StoreArgs) -> anyhow::Result<Option<Owner>> {
    if stores.database_url.is_some() {
        return Ok(None);
    }
    let dir = &stores.data_dir;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    let path = dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(Owner { _lock: file })),
        Err(TryLockError::WouldBlock) => anyhow::bail!(
            "the data directory {} is in use by another cma serve or cma restore: one process \
             owns it on the embedded default (stop that one first, or give this one its own \
             CMA_DATA_DIR)",
            dir.display()
        ),
        Err(TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Args {
        #[command(flatten)]
        stores: StoreArgs,
    }

    fn stores(dir: &std::path::Path) -> StoreArgs {
        Args::parse_from(["cma", "--data-dir", &dir.display().to_string()]).stores
    }

    #[test]
    fn a_second_owner_of_a_data_directory_is_refused_until_the_first_is_gone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let stores = stores(dir.path());
        let first = own_data_directory(&stores).expect("owned").expect("a lock");
        let refused = own_data_directory(&stores).expect_err("a second owner");
        assert!(
            refused.to_string().contains("is in use by another cma"),
            "{refused}"
        );
        drop(first);
        assert!(own_data_directory(&stores).expect("owned").is_some());
    }
}
