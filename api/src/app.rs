//! The HTTP application: routes and shared state.

use crate::config::Config;
use crate::file_storage::ContentStore;
use crate::http::ApiError;
use crate::http::consistency::read_your_writes;
use crate::identity::sessions::Sessions;
use crate::metrics;
use crate::roles::Roles;
use crate::store_args::Stores;
use anyhow::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Uri, header};
use axum::response::{IntoResponse, Response};
use cma_projections::{ReadDb, Records, RunnerWatch};
use cma_store::{Clock, EventStore, Service};
use std::sync::Arc;
use tower_http::trace::TraceLayer;

/// Largest request body of a JSON route; upload routes set their own limit.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn EventStore>,
    pub service: Arc<Service>,
    pub clock: Clock,
    /// The read models.
    pub read: ReadDb,
    /// The API's own records: sessions, logins, rate limits,
    /// Idempotency-Key answers (the read database's).
    pub records: Records,
    /// The sessions (those found kept in memory: `identity::kept_sessions`).
    pub sessions: Sessions,
    /// Key of link tokens (shared with the worker).
    pub secret_key: Arc<[u8]>,
    pub config: Arc<Config>,
    /// Uploaded content by SHA-256.
    pub files: Arc<ContentStore>,
    /// What this process does (`--roles`).
    pub roles: Roles,
    /// This process's projector runners, when it has the projector role.
    pub projectors: Option<RunnerWatch>,
}

impl AppState {
    /// Opens the stores the configuration names, for a process with
    /// `roles` (one without the api role keeps no sessions and, on
    /// PostgreSQL, does not listen for their ends).
    pub async fn open(config: Config, roles: Roles) -> anyhow::Result<Self> {
        let clock = Clock::from_setting(config.now.as_deref()).map_err(anyhow::Error::msg)?;
        let secret_key = crate::secrets::secret_key(&config)?;
        let store = crate::event_store::open_served_event_store(&config)
            .await
            .context("cannot open the event log")?;
        let read = crate::read_db::open(&config).await?;
        let files = ContentStore::open(
            &config.stores().files_dir(),
            config.max_upload_bytes,
            config.files_url.as_ref(),
            &config.files_options,
        )
        .await
        .and_then(|files| match &config.stores.database_url {
            // On PostgreSQL without a bucket, content is kept in the
            // database, so that every process reads what any stored.
            Some(url) => files.in_database(url),
            None => Ok(files),
        })
        .context("cannot open the file store")?;
        Ok(Self {
            files: Arc::new(files),
            service: Arc::new(Service::new(store.clone())),
            store,
            clock,
            sessions: Sessions::start(read.records().clone(), roles.api)
                .await
                .context("cannot listen for ended sessions")?,
            records: read.records().clone(),
            read,
            secret_key,
            config: Arc::new(config),
            roles,
            projectors: None,
        })
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.store.close().await;
    }
}

/// Every route, its shared layers, and problem answers for requests that
/// match no route or no method of one.
pub fn router(state: AppState) -> Router {
    Router::from(crate::routes::api())
        .merge(crate::web::routes())
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::http::idempotency::idempotent,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            read_your_writes,
        ))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            date_from_clock,
        ))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::http::upload::bound,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The routes of a process without the api role: liveness, readiness and
/// metrics only.
pub fn service_router(state: AppState) -> Router {
    Router::from(crate::routes::service::routes())
        .fallback(|| async { ApiError::not_found() })
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Unknown paths under `/api/` (and any method but GET or HEAD) stay
/// problem+json; other paths are web pages.
async fn not_found(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    if path.starts_with("/api/") || !(method == Method::GET || method == Method::HEAD) {
        return ApiError::not_found().into_response();
    }
    crate::web::page(path, &headers)
}

/// The `Date` of every answer comes from the process's clock (which
/// `CMA_NOW` may set), so the pages know what "now" is for the server.
async fn date_from_clock(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let mut response = next.run(request).await;
    let now = state.clock.now().to_jiff();
    if let Ok(date) = jiff::fmt::rfc2822::DateTimePrinter::new().timestamp_to_rfc9110_string(&now)
        && let Ok(value) = HeaderValue::from_str(&date)
    {
        response.headers_mut().insert(header::DATE, value);
    }
    response
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        crate::http::problem_types::METHOD_NOT_ALLOWED,
        "this route does not take that method (see the Allow header)",
    )
}
