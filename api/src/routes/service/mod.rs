//! The routes about the service itself, open to anyone: liveness,
//! readiness, metrics and the OpenAPI document.

mod readiness;

use crate::app::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every service route.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readiness::readyz))
        .routes(routes!(crate::metrics::render))
        .routes(routes!(openapi))
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "service", security(()),
    responses((status = 200, description = "`ok`", content_type = "text/plain", body = String)))]
async fn healthz() -> &'static str {
    "ok"
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "service", security(()),
    responses((status = 200, description = "an OpenAPI 3.1 document",
        body = ref("https://spec.openapis.org/oas/3.1/schema/2022-10-07"))))]
async fn openapi() -> axum::Json<&'static serde_json::Value> {
    axum::Json(crate::openapi::document())
}
