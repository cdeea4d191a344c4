use clap::Parser;
use std::process::ExitCode;

/// mimalloc rather than the system allocator: rows and events are built on
/// one thread and freed on another, which glibc's allocator handles poorly
/// (a projection rebuild runs at half the speed with it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cma_api::cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    match cma_api::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cma: {message}");
            ExitCode::FAILURE
        }
    }
}
