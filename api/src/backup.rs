//! `cma backup DEST` and `cma restore SRC`: a consistent online copy of the
//! embedded default (the SQLite event log, read database and API records,
//! the stored files, the secret key), taken while `cma serve` runs, and bringing it
//! back into an empty data directory.
//!
//! Each database is copied with `VACUUM INTO`, a consistent snapshot that
//! neither stops nor waits for the server's writers. The copies are taken
//! in an order that keeps them consistent with one another: the read
//! database and the API's records first, then the event log (so the log
//! holds every event the read models have applied, and every login the
//! records name, which is written after its event; the projectors catch up
//! the rest on start),
//! then the files (stored before their events are appended, and never
//! removed, so every content the log names is there).
//!
//! On PostgreSQL the databases are backed up with PostgreSQL's own tools
//! (see `docs/operations.md`).

use crate::store_args::StoreArgs;
use anyhow::{Context, bail};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

const EVENTS: &str = "events.db";
const READ: &str = "read.db";
const RECORDS: &str = cma_projections::records::RECORDS_FILE;
const FILES: &str = "files";
const KEY: &str = "secret.key";
/// What a backup folder says about itself.
const MANIFEST: &str = "BACKUP.txt";

/// Refuses configurations whose data is not (all) in the data directory.
fn embedded_only(config: &StoreArgs, what: &str) -> anyhow::Result<()> {
    if config.database_url.is_some() {
        bail!(
            "the event log and read models are on PostgreSQL (CMA_DATABASE_URL): {what} \
             them with pg_dump/pg_restore or point-in-time recovery (see docs/operations.md); \
             `cma {what}` is for the embedded default"
        );
    }
    if config.eventstore_url.is_some() {
        bail!(
            "the event log is on KurrentDB (CMA_EVENTSTORE_URL): {what} it with KurrentDB's \
             own tools; `cma {what}` is for the embedded default"
        );
    }
    Ok(())
}

/// Whether `dir` is missing or holds nothing (but the owner's lock file).
fn is_empty_dir(dir: &Path) -> anyhow::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            for entry in entries {
                let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
                if entry.file_name() != crate::owner::LOCK_FILE {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
            Err(e).with_context(|| format!("{} is a file, not a folder", dir.display()))
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", dir.display())),
    }
}

/// Opens an existing SQLite file without creating it.
async fn open_existing(path: &Path, read_only: bool) -> anyhow::Result<SqliteConnection> {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .read_only(read_only)
        .busy_timeout(Duration::from_secs(30))
        .connect()
        .await
        .with_context(|| format!("cannot open {}", path.display()))
}

/// A consistent copy of the SQLite database at `from` written to `to`.
async fn vacuum_into(from: &Path, to: &Path) -> anyhow::Result<()> {
    let mut conn = open_existing(from, false).await?;
    let target = to
        .to_str()
        .with_context(|| format!("{} is not a UTF-8 path", to.display()))?;
    let copied = sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&mut conn)
        .await
        .with_context(|| format!("cannot copy {}", from.display()));
    let _closed = conn.close().await;
    copied.map(drop)
}

/// The last position of the event log in the SQLite file at `path`.
async fn head(path: &Path) -> anyhow::Result<i64> {
    let mut conn = open_existing(path, true).await?;
    let head = sqlx::query_scalar::<_, Option<i64>>("SELECT max(position) FROM events")
        .fetch_one(&mut conn)
        .await
        .with_context(|| format!("{} is not an event log", path.display()));
    let _closed = conn.close().await;
    Ok(head?.unwrap_or(0))
}

/// Whether the SQLite file at `path` is whole (`PRAGMA quick_check`).
async fn check_sqlite(path: &Path) -> anyhow::Result<()> {
    let mut conn = open_existing(path, true).await?;
    let checked = sqlx::query_scalar::<_, String>("PRAGMA quick_check")
        .fetch_one(&mut conn)
        .await
        .with_context(|| format!("{} is not an SQLite database", path.display()));
    let _closed = conn.close().await;
    match checked? {
        ok if ok == "ok" => Ok(()),
        problem => bail!("{} is damaged: {problem}", path.display()),
    }
}

/// Copies the stored content in `from` into `to` (skipping uploads under
/// way, whose names start with a dot); the number of files copied.
fn copy_files(from: &Path, to: &Path) -> anyhow::Result<u64> {
    let entries = match std::fs::read_dir(from) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", from.display())),
    };
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    let mut copied = 0;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", from.display()))?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') || !entry.path().is_file() {
            continue;
        }
        let target = to.join(&name);
        std::fs::copy(entry.path(), &target)
            .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        copied += 1;
    }
    Ok(copied)
}

/// Copies the data directory named by `config` to `dest` while the server
/// may be running; a line saying what was copied.
pub async fn backup(
    config: &StoreArgs,
    secret_key_set: bool,
    dest: &Path,
) -> anyhow::Result<String> {
    embedded_only(config, "back up")?;
    let source = &config.data_dir;
    let events = config.existing()?.events_db();
    if !is_empty_dir(dest)? {
        bail!(
            "{} is not empty: back up into a new or empty folder",
            dest.display()
        );
    }
    std::fs::create_dir_all(dest).with_context(|| format!("cannot create {}", dest.display()))?;
    // The read database and records first, then the log, then the files
    // (see above).
    for name in [READ, RECORDS] {
        let db = source.join(name);
        if db.is_file() {
            vacuum_into(&db, &dest.join(name)).await?;
        }
    }
    vacuum_into(&events, &dest.join(EVENTS)).await?;
    let files = copy_files(&config.files_dir(), &dest.join(FILES))?;
    let key = source.join(KEY);
    let key_note = if secret_key_set {
        "the secret key is set by CMA_SECRET_KEY: keep it safe beside the backup"
    } else if key.is_file() {
        std::fs::copy(&key, dest.join(KEY))
            .with_context(|| format!("cannot copy {}", key.display()))?;
        "with the secret key"
    } else {
        "no secret key file to copy"
    };
    let position = head(&dest.join(EVENTS)).await?;
    let summary = format!(
        "backed up {} to {}: the event log up to position {position}, the read models, \
         {files} stored files; {key_note}",
        source.display(),
        dest.display()
    );
    let manifest = format!(
        "cma backup of {}\nevent log up to position {position}\nstored files: {files}\n\
         restore with: cma restore {} --data-dir NEW_DIR\n",
        source.display(),
        dest.display()
    );
    std::fs::write(dest.join(MANIFEST), manifest)
        .with_context(|| format!("cannot write {}", dest.join(MANIFEST).display()))?;
    Ok(summary)
}

/// Brings the backup in `src` back into the data directory named by
/// `config`: empty or new, unless `force`; never while a `cma serve` runs on it.
pub async fn restore(config: &StoreArgs, src: &Path, force: bool) -> anyhow::Result<String> {
    embedded_only(config, "restore")?;
    let events = src.join(EVENTS);
    if !src.is_dir() {
        bail!("{} is not a folder", src.display());
    }
    if !events.is_file() {
        bail!(
            "{} is not a backup: it has no {EVENTS} (make one with `cma backup DEST`)",
            src.display()
        );
    }
    check_sqlite(&events).await?;
    let position = head(&events).await?;
    for name in [READ, RECORDS] {
        let db = src.join(name);
        if db.is_file() {
            check_sqlite(&db).await?;
        }
    }
    let dest = &config.data_dir;
    let empty = is_empty_dir(dest)?;
    if !empty && !force {
        bail!(
            "the data directory {} is not empty: restore into a new or empty one, or \
             replace its data with --force (with the server stopped)",
            dest.display()
        );
    }
    // Refused while a `cma serve` runs on it.
    let _owner = crate::owner::own_data_directory(config)?;
    if !empty {
        clear(dest)?;
    }
    std::fs::create_dir_all(dest).with_context(|| format!("cannot create {}", dest.display()))?;
    let copy = |name: &str| -> anyhow::Result<bool> {
        let from = src.join(name);
        if !from.is_file() {
            return Ok(false);
        }
        std::fs::copy(&from, dest.join(name))
            .map(|_| true)
            .with_context(|| format!("cannot copy {}", from.display()))
    };
    copy(EVENTS)?;
    copy(READ)?;
    copy(RECORDS)?;
    let key = copy(KEY)?;
    let files = copy_files(&src.join(FILES), &config.files_dir())?;
    Ok(format!(
        "restored {} into {}: the event log up to position {position}, {files} stored files{}",
        src.display(),
        dest.display(),
        if key { ", the secret key" } else { "" }
    ))
}

/// Removes what a restore replaces from the data directory `dir`.
fn clear(dir: &Path) -> anyhow::Result<()> {
    let mut paths: Vec<PathBuf> = [EVENTS, READ, RECORDS]
        .iter()
        .flat_map(|db| ["", "-wal", "-shm"].map(|suffix| dir.join(format!("{db}{suffix}"))))
        .collect();
    paths.push(dir.join(KEY));
    for path in paths {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", path.display())),
        }
    }
    let files = dir.join(FILES);
    match std::fs::remove_dir_all(&files) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot remove {}", files.display())),
    }
}
