//! `cma serve`: the whole portal in one process.

use crate::app::{AppState, router};
use crate::config::Config;
use cma_projections::{Projections, RunnerConfig, views};
use std::future::Future;
use tokio::net::TcpListener;

pub async fn serve(config: Config) -> Result<(), String> {
    let listen = config.listen;
    let public_url = config.public_url();
    let state = AppState::open(config).await?;
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    tracing::info!(listen = %listen, public_url = %public_url, "serving");
    let served = run(state.clone(), listener, shutdown_signal()).await;
    state.close().await;
    served
}

/// Serves the API, with the projectors keeping the read models current,
/// on `listener` until `shutdown` resolves.
pub async fn run(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let projections = Projections::start(
        state.read.clone(),
        state.store.clone(),
        views::all(),
        RunnerConfig::default(),
    );
    let appends = crate::metrics::watch_appends(&state);
    let app = router(state);
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(|e| format!("server failed: {e}"));
    appends.abort();
    projections.stop().await;
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
