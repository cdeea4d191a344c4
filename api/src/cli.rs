//! The `cma` command line.

use crate::config::Config;
use clap::{Parser, Subcommand};

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
}

pub async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve(config) => crate::serve::serve(config).await,
        Command::Migrate(config) => {
            let store = crate::stores::open_event_store(&config)
                .await
                .map_err(|e| format!("migration failed: {e}"))?;
            store.close().await;
            println!("migrations applied");
            Ok(())
        }
    }
}
