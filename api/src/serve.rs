//! `cma serve`: the whole portal in one process, or the roles `--roles`
//! names (see [`crate::roles`]).

use crate::app::{AppState, router, service_router};
use crate::config::Config;
use crate::roles::Roles;
use cma_projections::{Projections, RunnerConfig, views};
use cma_workers::email::TransportSettings;
use cma_workers::{WorkerConfig, run_worker};
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub async fn serve(config: Config) -> Result<(), String> {
    serve_roles(config, Roles::ALL, true).await
}

/// Runs `roles` until Ctrl-C or SIGTERM; with `listen`, serves HTTP (the
/// API with the api role, else only `/healthz`, `/readyz` and `/metrics`).
pub async fn serve_roles(config: Config, roles: Roles, listen: bool) -> Result<(), String> {
    roles.check(&config)?;
    let config = crate::roles::name_sessions(config);
    let address = config.listen;
    let public_url = config.public_url();
    let state = AppState::open(config).await?;
    let listener = match listen {
        true => Some(
            TcpListener::bind(address)
                .await
                .map_err(|e| format!("cannot listen on {address}: {e}"))?,
        ),
        false => None,
    };
    tracing::info!(listen = %address, public_url = %public_url, roles = %roles, "serving");
    let served = run_roles(state.clone(), listener, roles, shutdown_signal()).await;
    state.close().await;
    served
}

/// The worker's settings for this process's configuration.
pub fn worker_config(state: &AppState) -> WorkerConfig {
    let config = &state.config;
    let mut worker = WorkerConfig::new(
        &config.public_url(),
        state.secret_key.to_vec(),
        TransportSettings::Folder(config.data_dir.join("outbox")),
    );
    crate::email::apply(config, &mut worker);
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
    run_roles(state, Some(listener), Roles::ALL, shutdown).await
}

/// Runs `roles` until `shutdown` resolves: the projectors (each where its
/// lease is held, on PostgreSQL), the worker, and on `listener` the API or,
/// without the api role, the service routes.
pub async fn run_roles(
    mut state: AppState,
    listener: Option<TcpListener>,
    roles: Roles,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    state.roles = roles;
    let listening = listener.is_some();
    let projections = roles.projector.then(|| {
        Projections::start(
            state.read.clone(),
            state.store.clone(),
            views::all(),
            RunnerConfig::default(),
        )
    });
    state.projectors = projections.as_ref().map(Projections::watch);
    let appends = crate::metrics::watch_appends(&state);
    let (stop_worker, worker_stopped) = oneshot::channel::<()>();
    let worker = roles.worker.then(|| {
        tokio::spawn(run_worker(
            worker_config(&state),
            state.store.clone(),
            state.read.clone(),
            state.clock.clone(),
            async {
                let _ = worker_stopped.await;
            },
        ))
    });
    let served = match listener {
        Some(listener) => {
            let app = match roles.api {
                true => router(state),
                false => service_router(state),
            };
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| format!("server failed: {e}"))
        }
        None => {
            shutdown.await;
            Ok(())
        }
    };
    appends.abort();
    let _ = stop_worker.send(());
    let mut worked = Ok(());
    if let Some(worker) = worker {
        match worker.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::error!(error = %e, "the worker stopped with an error");
                worked = Err(format!("worker failed: {e}"));
            }
            Err(e) => tracing::error!(error = %e, "the worker task failed"),
        }
    }
    if let Some(projections) = projections {
        projections.stop().await;
    }
    // A process that only works (`cma worker`) fails with its worker; one
    // that serves has logged it.
    match listening {
        true => served,
        false => served.and(worked),
    }
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
