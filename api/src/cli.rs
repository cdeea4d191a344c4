//! The `cma` command line.

use crate::config::Config;
use clap::{Args, Parser, Subcommand};
use cma_projections::rebuild;

#[derive(Parser, Debug)]
#[command(name = "cma", version, about = "CMA Client Portal")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the API, the projectors and the worker in one process.
    Serve(Config),
    /// Apply the database migrations and exit.
    Migrate(Config),
    /// Read-model maintenance.
    #[command(subcommand)]
    Projections(ProjectionsCommand),
}

#[derive(Subcommand, Debug)]
pub enum ProjectionsCommand {
    /// Rebuild read models from the event log (atomic swap), with progress.
    Rebuild(RebuildArgs),
}

#[derive(Args, Debug)]
pub struct RebuildArgs {
    /// Projectors to rebuild (e.g. `clients quotes`).
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub names: Vec<String>,
    /// Rebuild every projector.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub config: Config,
}

pub async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve(config) => crate::serve::serve(config).await,
        Command::Migrate(config) => {
            let store = crate::stores::open_event_store(&config)
                .await
                .map_err(|e| format!("migration failed: {e}"))?;
            store.close().await;
            crate::db::open(&config).await?.close().await;
            println!("migrations applied");
            Ok(())
        }
        Command::Projections(ProjectionsCommand::Rebuild(args)) => rebuild_projections(args).await,
    }
}

async fn rebuild_projections(args: RebuildArgs) -> Result<(), String> {
    let projectors = rebuild::select(&args.names).map_err(|e| e.to_string())?;
    let store = crate::stores::open_event_store(&args.config)
        .await
        .map_err(|e| format!("cannot open the event log: {e}"))?;
    let read = crate::db::open(&args.config).await?;
    let outcome = rebuild::rebuild(store.clone(), &read, &projectors, &rebuild::Bar::new()).await;
    read.close().await;
    store.close().await;
    let rebuilt = outcome.map_err(|e| format!("rebuild failed: {e}"))?;
    println!(
        "rebuilt {} from {} events up to position {} in {:.1?}",
        rebuilt.projectors.join(", "),
        rebuilt.events,
        rebuilt.position,
        rebuilt.elapsed
    );
    Ok(())
}
