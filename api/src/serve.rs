//! `cma serve`: the whole portal in one process.

use crate::app::{AppState, router};
use crate::config::Config;
use crate::storage::FileStorage;
use crate::stores::{open_event_store, open_read_db};
use cma_projections::{Projections, RunnerConfig, views};
use cma_store::{Clock, Service};
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

pub async fn serve(config: Config) -> Result<(), String> {
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    run(config, listener, shutdown_signal()).await
}

/// Runs the portal on `listener` until `shutdown` resolves.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let clock = Clock::from_setting(config.now.as_deref())?;
    let store = open_event_store(&config)
        .await
        .map_err(|e| format!("cannot open the event log: {e}"))?;
    let files = FileStorage::open(&config.files_dir(), config.max_upload_bytes)
        .await
        .map_err(|e| format!("cannot open the file store: {e}"))?;
    let read = open_read_db(&config)
        .await
        .map_err(|e| format!("cannot open the read models: {e}"))?;
    let projections = Projections::start(
        read.clone(),
        store.clone(),
        views::all(),
        RunnerConfig::default(),
    );
    tracing::info!(listen = ?listener.local_addr().ok(), public_url = %config.public_url(), "serving");
    let app = router(AppState {
        store: store.clone(),
        clock,
        service: Arc::new(Service::new(store.clone())),
        files: Arc::new(files),
        read: read.clone(),
    });
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(|e| format!("server failed: {e}"));
    projections.stop().await;
    read.close().await;
    store.close().await;
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
