//! `cma serve`: the whole portal in one process.

use crate::app::{AppState, router};
use crate::config::Config;
use cma_projections::{Projections, RunnerConfig, views};
use cma_workers::email::TransportSettings;
use cma_workers::{WorkerConfig, run_worker};
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

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

/// The worker's settings for this process's configuration.
pub fn worker_config(state: &AppState) -> WorkerConfig {
    let config = &state.config;
    let mut worker = WorkerConfig::new(
        &config.public_url(),
        state.secret_key.to_vec(),
        match &config.smtp_url {
            Some(url) => TransportSettings::Smtp(url.clone()),
            None => TransportSettings::Folder(config.data_dir.join("outbox")),
        },
    );
    worker.email.horizon = Duration::from_secs(config.email_horizon_hours.saturating_mul(3600));
    worker
}

/// Serves the API, with the projectors keeping the read models current and
/// the worker sending emails and enforcing timed rules, on `listener` until
/// `shutdown` resolves.
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
    let (stop_worker, worker_stopped) = oneshot::channel::<()>();
    let worker = tokio::spawn(run_worker(
        worker_config(&state),
        state.store.clone(),
        state.read.clone(),
        state.clock.clone(),
        async {
            let _ = worker_stopped.await;
        },
    ));
    let app = router(state);
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(|e| format!("server failed: {e}"));
    appends.abort();
    let _ = stop_worker.send(());
    match worker.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!(error = %e, "the worker stopped with an error"),
        Err(e) => tracing::error!(error = %e, "the worker task failed"),
    }
    projections.stop().await;
    served
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
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
