//! Invoices in the client portal (docs/product.md §5.1): list and open, read only.

use super::section::{self, InSection};
use crate::app::AppState;
use crate::http::{ApiError, Json, Path, found};
use axum::extract::State;
use cma_domain::ids::InvoiceId;
use cma_projections::queries;
use cma_projections::queries::invoices::{InvoiceList, InvoiceView};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(view))
}

/// Who calls these routes: a client with the invoices section on.
type Caller = InSection<section::Invoices>;

#[utoipa::path(get, path = "/api/v1/portal/invoices", tag = "portal",
    responses((status = 200, body = InvoiceList), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    session: Caller,
) -> Result<Json<InvoiceList>, ApiError> {
    let now = state.clock.now();
    found(queries::invoices::list(&state.read, session.scope(), session.client, now).await?)
}

#[utoipa::path(get, path = "/api/v1/portal/invoices/{id}", tag = "portal",
    params(("id" = uuid::Uuid, Path, description = "invoice id")),
    responses((status = 200, body = InvoiceView), (status = 403), (status = 404)))]
pub async fn view(
    State(state): State<AppState>,
    session: Caller,
    Path(invoice): Path<InvoiceId>,
) -> Result<Json<InvoiceView>, ApiError> {
    found(queries::invoices::get(&state.read, session.scope(), invoice, state.clock.now()).await?)
}
