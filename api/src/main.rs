use clap::Parser;
use std::process::ExitCode;

/// mimalloc rather than the system allocator: rows and events are built on
/// one thread and freed on another, which glibc's allocator handles poorly
/// (a projection rebuild runs at half the speed with it). Built without
/// transparent huge pages (`no_thp`): backing its regions with 2 MiB pages
/// kept pages that held little in memory, and `cma serve` under load held
/// about 100 MB more (docs/benchmarks.md, "Fewer reads per command, bounded
/// log readers, memory").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cma_api::cli::Cli::parse();
    let outcome = match cma_api::logs::init() {
        Ok(()) => cma_api::cli::run(cli).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The whole chain of causes, with what it quotes (a path, a
            // stream id, a decode error) shown as escapes.
            eprintln!("cma: {}", cma_api::cli::error_message(&error));
            ExitCode::FAILURE
        }
    }
}
