//! Invoices in the client portal (docs/product.md §5.1): list and open, read only.

use super::scope::{scope, section};
use crate::app::AppState;
use crate::http::{ApiError, ClientSession, Json, Path};
use axum::extract::State;
use cma_domain::access::Section;
use cma_domain::ids::InvoiceId;
use cma_projections::queries;
use cma_projections::queries::invoices::{InvoiceList, InvoiceView};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(view))
}

#[utoipa::path(get, path = "/api/v1/portal/invoices", tag = "portal",
    responses((status = 200, body = InvoiceList), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    session: ClientSession,
) -> Result<Json<InvoiceList>, ApiError> {
    section(&session, Section::Invoices)?;
    queries::invoices::list(
        &state.read,
        scope(&session),
        session.client,
        state.clock.now(),
    )
    .await?
    .map(Json)
    .ok_or_else(ApiError::not_found)
}

#[utoipa::path(get, path = "/api/v1/portal/invoices/{id}", tag = "portal",
    params(("id" = uuid::Uuid, Path, description = "invoice id")),
    responses((status = 200, body = InvoiceView), (status = 403), (status = 404)))]
pub async fn view(
    State(state): State<AppState>,
    session: ClientSession,
    Path(invoice): Path<InvoiceId>,
) -> Result<Json<InvoiceView>, ApiError> {
    section(&session, Section::Invoices)?;
    queries::invoices::get(&state.read, scope(&session), invoice, state.clock.now())
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}
