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

/// Threads the runtime may start for blocking work (SQLite reads and
/// projector statements, password hashing, file writes). Each thread that
/// allocates keeps pages of its own in the allocators (mimalloc's, and
/// glibc's arenas for SQLite's page caches), so a pool that grows with
/// every burst of short tasks holds memory that little uses (tokio's
/// default allows 512). The work beyond it waits for a thread: the event
/// log's readers are 8 at most and the projectors' writer one, and no
/// blocking task waits for another.
const BLOCKING_THREADS: usize = 16;

fn main() -> ExitCode {
    let cli = cma_api::cli::Cli::parse();
    let outcome = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .build()
    {
        Ok(runtime) => runtime.block_on(async {
            match cma_api::logs::init() {
                Ok(()) => cma_api::cli::run(cli).await,
                Err(e) => Err(e),
            }
        }),
        Err(e) => Err(e.into()),
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
