//! `cma serve`: the whole portal in one process.

use crate::app::{AppState, router};
use crate::config::Config;
use cma_projections::{Projections, RunnerConfig};
use std::future::Future;
use tokio::net::TcpListener;

pub async fn serve(config: Config) -> Result<(), String> {
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    run(config, listener, shutdown_signal()).await
}

/// Runs the portal (API and projectors) on `listener` until `shutdown` resolves.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let public_url = config.public_url();
    let state = AppState::open(config).await?;
    let projections = Projections::start(
        state.read.clone(),
        state.store.clone(),
        cma_projections::views::all(),
        RunnerConfig::default(),
    );
    let appends = crate::metrics::watch_appends(&state);
    tracing::info!(listen = ?listener.local_addr().ok(), public_url = %public_url, "serving");
    let served = axum::serve(
        listener,
        router(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(|e| format!("server failed: {e}"));
    appends.abort();
    projections.stop().await;
    state.close().await;
    served
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
