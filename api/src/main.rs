use clap::Parser;
use cma_domain::text::Lines;
use std::process::ExitCode;

/// mimalloc rather than the system allocator: rows and events are built on
/// one thread and freed on another, which glibc's allocator handles poorly
/// (a projection rebuild runs at half the speed with it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cma_api::cli::Cli::parse();
    if let Err(message) = cma_api::logs::init() {
        eprintln!("cma: {message}");
        return ExitCode::FAILURE;
    }
    match cma_api::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // An error may quote stored text (a stream id, a decode error):
            // shown as escapes, never acted on by the terminal.
            let message = cma_domain::text::escaped(&message.to_string(), Lines::Many);
            eprintln!("cma: {message}");
            ExitCode::FAILURE
        }
    }
}
