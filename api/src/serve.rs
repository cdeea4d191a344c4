//! `cma serve`: the whole portal in one process, or the roles `--roles`
//! names (see [`crate::roles`]).

use crate::app::{AppState, router, service_router};
use crate::config::Config;
use crate::roles::Roles;
use anyhow::Context;
use cma_projections::tail::Tail;
use cma_projections::{Backend, Projections, RunnerConfig, views};
use cma_workers::email::TransportSettings;
use cma_workers::{WorkerConfig, run_worker};
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub async fn serve(config: Config) -> anyhow::Result<()> {
    serve_roles(config, Roles::ALL, true).await
}

/// Runs `roles` until Ctrl-C or SIGTERM; with `listen`, serves HTTP (the
/// API with the api role, else only `/healthz`, `/readyz` and `/metrics`).
pub async fn serve_roles(config: Config, roles: Roles, listen: bool) -> anyhow::Result<()> {
    roles.check(&config)?;
    let _owner = crate::owner::own_data_directory(&config.stores)?;
    let config = crate::roles::name_sessions(config);
    let address = config.listen;
    let public_url = config.public_url();
    let state = AppState::open(config, roles).await?;
    let listener = match listen {
        true => Some(
            TcpListener::bind(address)
                .await
                .with_context(|| format!("cannot listen on {address}"))?,
        ),
        false => None,
    };
    tracing::info!(listen = %address, public_url = %public_url, roles = %roles, "serving");
    let served = run_roles(state.clone(), listener, shutdown_signal()).await;
    state.close().await;
    served
}

/// The worker's settings for this process's configuration.
pub fn worker_config(state: &AppState) -> WorkerConfig {
    let config = &state.config;
    let mut worker = WorkerConfig::new(
        &config.public_url(),
        state.secret_key.to_vec(),
        TransportSettings::Folder(config.stores.data_dir.join("outbox")),
    );
    crate::email::apply(config, &mut worker);
    worker.email.horizon =
        Duration::from_secs(config.email.email_horizon_hours.saturating_mul(3600));
    worker
}

/// Serves on `listener` what `state` was opened for (with every role: the
/// API, with the projectors keeping the read models current and the worker
/// sending emails and enforcing timed rules) until `shutdown` resolves.
pub async fn run(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    run_roles(state, Some(listener), shutdown).await
}

/// Runs the roles `state` was opened for until `shutdown` resolves: the
/// projectors (each where its lease is held, on PostgreSQL), the worker,
/// and on `listener` the API or, without the api role, the service routes.
pub async fn run_roles(
    mut state: AppState,
    listener: Option<TcpListener>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let roles = state.roles;
    if roles.projector && state.read.backend() == Backend::Sqlite {
        // The one process that owns the data directory, whose runners
        // alone write the read models: its quote views are kept in memory.
        state.read = state.read.keeping_views();
    }
    let listening = listener.is_some();
    // The projectors and the worker's followers read the log once.
    let tail = Tail::of(&state.store);
    let projections = roles.projector.then(|| {
        Projections::start(
            state.read.clone(),
            &tail,
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
            tail,
            // The API's command runner: commands of one stream, the API's
            // and the worker's, are decided one behind another.
            state.service.clone(),
            state.read.clone(),
            state.clock.clone(),
            async {
                let _ = worker_stopped.await;
            },
        ))
    });
    let served = match listener {
        Some(listener) => {
            let limits = ServerLimits::of(&state.config);
            let app = match roles.api {
                true => router(state.clone()),
                false => service_router(state.clone()),
            };
            let app = app.layer(axum::middleware::from_fn_with_state(
                state,
                crate::http::timeouts::bound,
            ));
            serve_http(listener, app, limits, shutdown).await;
            Ok(())
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
                worked = Err(anyhow::Error::new(e).context("worker failed"));
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

/// The server's own limits on its connections (the body's are
/// [`crate::http::timeouts`]).
#[derive(Clone, Copy, Debug)]
pub struct ServerLimits {
    /// To send a request's headers; on HTTP/1.1 also how long a connection
    /// may stay idle between requests (hyper starts the same timer while it
    /// waits for the next request); on HTTP/2 the keep-alive ping's interval
    /// and timeout.
    pub header: Duration,
    /// Connections served at once; the next waits in the listen queue.
    pub max_connections: usize,
}

impl ServerLimits {
    pub fn of(config: &crate::config::Config) -> Self {
        Self {
            header: Duration::from_secs_f64(config.header_timeout_secs),
            max_connections: config.max_connections as usize,
        }
    }
}

/// How long a graceful shutdown waits for open requests before it closes
/// their connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Accepts connections on `listener` while fewer than
/// `limits.max_connections` are open and serves `app` on each, with the
/// header and idle timeouts, until `shutdown` resolves; then stops
/// accepting, lets open requests finish and closes idle connections.
async fn serve_http(
    listener: TcpListener,
    app: axum::Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use std::sync::Arc;
    use tower::ServiceExt;

    let permits = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.header)
        .keep_alive_timeout(limits.header);
    let builder = Arc::new(builder);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait, not spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                app.clone().oneshot(request)
            },
        );
        let watcher = graceful.watcher();
        let builder = builder.clone();
        tokio::spawn(async move {
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            if let Err(e) = watcher.watch(connection).await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the shutdown grace period");
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
