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
/// projector statements, password hashing, file writes): four for each
/// core, at least 8 and at most 16. Each thread that allocates keeps pages
/// of its own in the allocators (mimalloc's, and a glibc arena for SQLite's
/// allocations), so a pool that grows with every burst of short tasks holds
/// memory that little uses: tokio's default allows 512, and on two cores
/// 8 threads held about 20 MB less than 16 under the same load, with the
/// same throughput (docs/benchmarks.md, "What holds the memory"). The work
/// is short and mostly on the processor, so more threads than this would
/// only take turns on the cores; work beyond them waits for a thread, and
/// no blocking task waits for another.
fn blocking_threads(cores: usize) -> usize {
    cores.saturating_mul(4).clamp(8, 16)
}

fn main() -> ExitCode {
    let cli = cma_api::cli::Cli::parse();
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let outcome = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(blocking_threads(cores))
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

#[cfg(test)]
mod tests {
    use super::blocking_threads;

    #[test]
    fn blocking_threads_are_four_a_core_between_8_and_16() {
        assert_eq!(blocking_threads(1), 8);
        assert_eq!(blocking_threads(2), 8);
        assert_eq!(blocking_threads(3), 12);
        assert_eq!(blocking_threads(4), 16);
        assert_eq!(blocking_threads(64), 16);
        assert_eq!(blocking_threads(usize::MAX), 16);
    }
}
