//! The audit of a quote's acceptance (docs/product.md §10), for staff of the owning
//! team. Unlike the other reads, this one replays the event log itself: the
//! point is to check what is recorded there.

use crate::app::AppState;
use crate::audit::report::AuditError;
use crate::audit::{Certificate, QuoteAudit};
use crate::http::{ApiError, Json, Path, Query, StaffSession};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use cma_domain::ids::QuoteId;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(quote))
        .routes(routes!(certificate))
}

#[utoipa::path(get, path = "/api/v1/audit/quotes/{id}", tag = "audit",
    params(("id" = uuid::Uuid, Path, description = "quote id")),
    responses((status = 200, body = QuoteAudit), (status = 401), (status = 403), (status = 404)))]
pub async fn quote(
    State(state): State<AppState>,
    session: StaffSession,
    Path(quote): Path<QuoteId>,
) -> Result<Json<QuoteAudit>, ApiError> {
    Ok(Json(audit(&state, &session, quote).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CertificateFormat {
    /// `html` (default) or `text`.
    #[serde(default)]
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/audit/quotes/{id}/certificate", tag = "audit",
    params(("id" = uuid::Uuid, Path, description = "quote id"), CertificateFormat),
    responses((status = 200, description = "printable acceptance certificate (`text/plain` with `?format=text`)", content_type = "text/html", body = String),
              (status = 401), (status = 403), (status = 404, description = "no such quote, or not accepted")))]
pub async fn certificate(
    State(state): State<AppState>,
    session: StaffSession,
    Path(quote): Path<QuoteId>,
    Query(format): Query<CertificateFormat>,
) -> Result<Response, ApiError> {
    let audit = audit(&state, &session, quote).await?;
    let certificate = Certificate::load(&state.service, &audit)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| {
            ApiError::new(
                crate::http::problem_types::NOT_ACCEPTED,
                "the quote has not been accepted",
            )
        })?;
    Ok(match format.format.as_deref() {
        Some("text") => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            certificate.text(),
        )
            .into_response(),
        None | Some("html") => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            certificate.html(),
        )
            .into_response(),
        Some(_) => return Err(ApiError::bad_request("format must be html or text")),
    })
}

/// The quote's audit, when the staff member's team owns it; 404 otherwise.
async fn audit(
    state: &AppState,
    session: &StaffSession,
    quote: QuoteId,
) -> Result<QuoteAudit, ApiError> {
    match QuoteAudit::load(state.store.as_ref(), quote).await {
        Ok(audit) if audit.team == session.team => Ok(audit),
        Ok(_) | Err(AuditError::NotFound(_)) => Err(ApiError::not_found()),
        Err(e) => Err(ApiError::internal(e)),
    }
}
