//! The `cma` command line.

use crate::audit::command::{self, Format};
use crate::config::{Config, WorkerArgs};
use crate::roles::Roles;
use crate::store_args::StoreArgs;
use anyhow::{Context, bail};
use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};
use cma_domain::text::Lines;
use cma_projections::rebuild;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "cma", version, about = "CMA Client Portal")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the API, the projectors and the worker in one process, or the
    /// roles `--roles` names.
    Serve(ServeArgs),
    /// Apply the database migrations and exit.
    Migrate(StoreArgs),
    /// Run only the worker: emails and timed rules (`serve --roles worker`
    /// without an HTTP listener), with only the settings it uses.
    Worker(WorkerArgs),
    /// Copy the embedded default's data (both SQLite files, the stored
    /// files, the secret key) to DEST, online, while `cma serve` runs.
    Backup(BackupArgs),
    /// Bring a backup back into the data directory (empty or new, unless
    /// `--force`).
    Restore(RestoreArgs),
    /// Read-model maintenance. On SQLite it may run beside a live `cma
    /// serve`.
    #[command(subcommand)]
    Projections(ProjectionsCommand),
    /// Audit a quote's acceptance or the whole event log.
    /// Read-only: it never creates a store, and may run beside a live
    /// `cma serve`.
    #[command(subcommand)]
    Audit(Audit),
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// What this process does: `api`, `projector`, `worker`, comma-separated.
    /// Subsets need the read models on PostgreSQL; there standbys of the
    /// projector and the worker take over through their leases.
    #[arg(long, env = "CMA_ROLES", default_value = "api,projector,worker")]
    pub roles: Roles,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The folder to write the backup to (new, or empty).
    pub dest: PathBuf,
    #[command(flatten)]
    pub config: StoreArgs,
    /// Set when the server's key comes from `CMA_SECRET_KEY` rather than
    /// `{data_dir}/secret.key`: the backup then says to keep it safe.
    #[arg(long, env = "CMA_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// A folder written by `cma backup`.
    pub src: PathBuf,
    /// Replace the data directory's event log, read models, files and key
    /// even though it is not empty.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub config: StoreArgs,
}

#[derive(Subcommand, Debug)]
pub enum Audit {
    /// Replay a quote's stream: events, hashes, chain and acceptance checks.
    Quote {
        /// The quote id.
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        #[command(flatten)]
        config: StoreArgs,
    },
    /// Verify the hash chain of every stream in the log.
    Verify {
        /// Verify only the events after this position (at most the log's head).
        #[arg(long, default_value_t = 0)]
        from: u64,
        #[command(flatten)]
        config: StoreArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum ProjectionsCommand {
    /// Rebuild read models from the event log (atomic swap), with progress:
    /// the projectors named, or every one with `--all`. On SQLite it may run
    /// beside a live `cma serve`.
    Rebuild(RebuildArgs),
}

#[derive(Args, Debug)]
pub struct RebuildArgs {
    /// Projectors to rebuild (e.g. `clients quotes`), or `--all`.
    #[arg(conflicts_with = "all", value_parser = projector_names())]
    pub names: Vec<String>,
    /// Rebuild every projector.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub config: StoreArgs,
}

/// The projectors' names, which `--help` and an unknown name's error list.
fn projector_names() -> PossibleValuesParser {
    PossibleValuesParser::new(cma_projections::views::names())
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => crate::serve::serve_roles(args.config, args.roles, true).await,
        Command::Migrate(config) => {
            let store = crate::event_store::open_event_store(&config)
                .await
                .context("migration failed")?;
            store.close().await;
            crate::read_db::open(&config).await?.close().await;
            println!("migrations applied");
            Ok(())
        }
        Command::Worker(args) => {
            crate::serve::serve_roles(args.config(), Roles::WORKER, false).await
        }
        Command::Backup(args) => {
            let done =
                crate::backup::backup(&args.config, args.secret_key.is_some(), &args.dest).await?;
            println!("{done}");
            Ok(())
        }
        Command::Restore(args) => {
            let done = crate::backup::restore(&args.config, &args.src, args.force).await?;
            println!("{done}");
            Ok(())
        }
        Command::Projections(ProjectionsCommand::Rebuild(args)) => rebuild_projections(args).await,
        Command::Audit(Audit::Quote { id, format, config }) => {
            command::quote(&config, &id, format).await
        }
        Command::Audit(Audit::Verify { from, config }) => {
            let v = command::verify(&config, from).await?;
            println!(
                "hash chain intact: {} events in {} streams verified, up to position {}",
                v.events, v.streams, v.last_position
            );
            Ok(())
        }
    }
}

async fn rebuild_projections(args: RebuildArgs) -> anyhow::Result<()> {
    if args.names.is_empty() && !args.all {
        bail!(
            "name the projectors to rebuild ({}), or pass --all to rebuild every one",
            cma_projections::views::names().join(", ")
        );
    }
    let projectors = rebuild::select(&args.names)?;
    let store = crate::event_store::open_event_store(args.config.existing()?)
        .await
        .context("cannot open the event log")?;
    let read = crate::read_db::open(&args.config).await?;
    let outcome = rebuild::rebuild(store.clone(), &read, &projectors, &rebuild::Bar::new()).await;
    read.close().await;
    store.close().await;
    let rebuilt = outcome.context("rebuild failed")?;
    println!(
        "rebuilt {} from {} events up to position {} in {:.1?}",
        rebuilt.projectors.join(", "),
        rebuilt.events,
        rebuilt.position,
        rebuilt.elapsed
    );
    Ok(())
}

/// What `cma` prints when a command fails: what went wrong, then each cause
/// under it, joined by ": " (a cause whose text is already in the message,
/// as many errors quote their own source, is not repeated). Control and
/// bidirectional characters are shown as escapes: a message may quote a
/// path or stored text, which the terminal must never act on.
pub fn error_message(error: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if text.is_empty() || message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    cma_domain::text::escaped(&message, Lines::Many)
}
