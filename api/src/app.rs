//! The HTTP application: routes and shared state.

use crate::config::Config;
use crate::http::ApiError;
use crate::http::consistency::read_your_writes;
use crate::metrics;
use crate::storage::FileStorage;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::get;
use cma_projections::ReadDb;
use cma_store::{Clock, EventStore, Service};
use serde::Serialize;
use std::sync::Arc;
use tower_http::trace::TraceLayer;
use utoipa::openapi::OpenApi;

/// Largest request body of a JSON route; upload routes set their own limit.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn EventStore>,
    pub service: Arc<Service>,
    pub clock: Clock,
    /// The read-side database: read models, sessions, logins, rate limits.
    pub read: ReadDb,
    /// Key of link tokens (shared with the worker).
    pub secret_key: Arc<[u8]>,
    pub config: Arc<Config>,
    /// Uploaded content by SHA-256.
    pub files: Arc<FileStorage>,
}

impl AppState {
    /// Opens the stores the configuration names.
    pub async fn open(config: Config) -> Result<Self, String> {
        let clock = Clock::from_setting(config.now.as_deref())?;
        let secret_key = crate::secrets::secret_key(&config)?;
        let store = crate::stores::open_event_store(&config)
            .await
            .map_err(|e| format!("cannot open the event log: {e}"))?;
        let read = crate::db::open(&config).await?;
        let files = FileStorage::open(&config.files_dir(), config.max_upload_bytes)
            .await
            .map_err(|e| format!("cannot open the file store: {e}"))?;
        Ok(Self {
            files: Arc::new(files),
            service: Arc::new(Service::new(store.clone())),
            store,
            clock,
            read,
            secret_key,
            config: Arc::new(config),
        })
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.store.close().await;
    }
}

/// The `/api/v1` routes and the OpenAPI document describing exactly them.
pub fn api() -> (Router<AppState>, OpenApi) {
    let (router, mut openapi) = crate::routes::api().split_for_parts();
    openapi.info.title = "CMA Client Portal API".to_owned();
    openapi.info.version = env!("CARGO_PKG_VERSION").to_owned();
    (router, openapi)
}

pub fn router(state: AppState) -> Router {
    let (api, openapi) = api();
    let openapi = Arc::new(openapi);
    api.route(
        "/api/v1/openapi.json",
        get(move || {
            let openapi = openapi.clone();
            async move { axum::Json(openapi.as_ref().clone()) }
        }),
    )
    .route("/healthz", get(healthz))
    .route("/readyz", get(readyz))
    .route("/metrics", get(metrics::render))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        read_your_writes,
    ))
    .layer(axum::middleware::from_fn(metrics::track))
    .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
    .layer(TraceLayer::new_for_http())
    .fallback(not_found)
    .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found()
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

#[derive(Serialize)]
struct Readiness {
    ready: bool,
    event_log_head: Option<u64>,
    read_db: bool,
    /// Each projector's checkpoint and distance behind the log.
    projectors: Vec<cma_projections::Lag>,
    problems: Vec<String>,
}

/// The stores answer; the projectors' lag.
async fn readyz(State(state): State<AppState>) -> (StatusCode, axum::Json<Readiness>) {
    let mut problems = Vec::new();
    let head = match state.store.head().await {
        Ok(head) => Some(head),
        Err(e) => {
            problems.push(format!("event log unavailable: {e}"));
            None
        }
    };
    let read_db = match sqlx::query("SELECT 1").execute(state.read.pool()).await {
        Ok(_) => true,
        Err(e) => {
            problems.push(format!("read database unavailable: {e}"));
            false
        }
    };
    let projectors = match cma_projections::lag(&state.read, state.store.as_ref()).await {
        Ok(lag) => lag,
        Err(e) => {
            problems.push(format!("projector lag unavailable: {e}"));
            Vec::new()
        }
    };
    let ready = problems.is_empty();
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        axum::Json(Readiness {
            ready,
            event_log_head: head,
            read_db,
            projectors,
            problems,
        }),
    )
}
