//! Invoices, staff side (PRODUCT §5.1): issue, record payments.

use super::Positioned;
use super::scope::team_client;
use super::wire::currency;
use crate::app::AppState;
use crate::http::{ApiError, Json, Path, StaffSession};
use axum::extract::State;
use axum::http::StatusCode;
use cma_domain::ids::{ClientId, InvoiceId};
use cma_domain::invoice::{Invoice, InvoiceCommand, LineInput};
use cma_projections::queries::invoices::{InvoiceList, InvoiceView};
use cma_projections::queries::{self, Scope};
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue, list))
        .routes(routes!(view))
        .routes(routes!(record_payment))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InvoiceLineBody {
    pub description: String,
    #[schema(value_type = String, example = "1")]
    pub quantity: Decimal,
    #[schema(value_type = String, example = "350.00")]
    pub unit_price: Decimal,
    #[schema(value_type = String, example = "20")]
    pub tax_rate: Decimal,
}

/// Without a `number`, one is made from the invoice id (`INV-` and its first 8 hex digits).
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewInvoice {
    #[serde(default)]
    pub number: Option<String>,
    #[schema(example = "GBP")]
    pub currency: String,
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    pub lines: Vec<InvoiceLineBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceCreated {
    #[schema(value_type = uuid::Uuid)]
    pub invoice_id: InvoiceId,
    /// Global event-log position of the command's last event.
    pub position: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Payment {
    #[schema(value_type = String, example = "100.00")]
    pub amount: Decimal,
    #[schema(value_type = String, format = Date)]
    pub paid_on: Date,
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/invoices", tag = "invoices",
    params(("id" = uuid::Uuid, Path, description = "client id")),
    request_body = NewInvoice,
    responses((status = 201, body = InvoiceCreated), (status = 404), (status = 422)))]
pub async fn issue(
    State(state): State<AppState>,
    session: StaffSession,
    Path(client): Path<ClientId>,
    Json(body): Json<NewInvoice>,
) -> Result<(StatusCode, Json<InvoiceCreated>), ApiError> {
    team_client(&state, session.team, client).await?;
    let invoice = InvoiceId::new();
    let number = body
        .number
        .unwrap_or_else(|| format!("INV-{}", &invoice.0.simple().to_string()[..8]).to_uppercase());
    let command = InvoiceCommand::Issue {
        invoice,
        client,
        staff: session.staff,
        number,
        currency: currency(&body.currency)?,
        due_on: body.due_on,
        lines: body
            .lines
            .into_iter()
            .map(|l| LineInput {
                description: l.description,
                quantity: l.quantity,
                unit_price: l.unit_price,
                tax_rate: l.tax_rate,
            })
            .collect(),
    };
    let executed = state
        .service
        .execute::<Invoice>(invoice.0, &session.context(&state), command)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(InvoiceCreated {
            invoice_id: invoice,
            position: executed.position,
        }),
    ))
}

#[utoipa::path(get, path = "/api/v1/clients/{id}/invoices", tag = "invoices",
    params(("id" = uuid::Uuid, Path, description = "client id")),
    responses((status = 200, body = InvoiceList), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    session: StaffSession,
    Path(client): Path<ClientId>,
) -> Result<Json<InvoiceList>, ApiError> {
    let scope = Scope::Team(session.team);
    queries::invoices::list(&state.read, scope, client, state.clock.now())
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

#[utoipa::path(get, path = "/api/v1/invoices/{id}", tag = "invoices",
    params(("id" = uuid::Uuid, Path, description = "invoice id")),
    responses((status = 200, body = InvoiceView), (status = 404)))]
pub async fn view(
    State(state): State<AppState>,
    session: StaffSession,
    Path(invoice): Path<InvoiceId>,
) -> Result<Json<InvoiceView>, ApiError> {
    let scope = Scope::Team(session.team);
    queries::invoices::get(&state.read, scope, invoice, state.clock.now())
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

#[utoipa::path(post, path = "/api/v1/invoices/{id}/payments", tag = "invoices",
    params(("id" = uuid::Uuid, Path, description = "invoice id")),
    request_body = Payment,
    responses((status = 200, body = Positioned), (status = 404), (status = 409), (status = 422)))]
pub async fn record_payment(
    State(state): State<AppState>,
    session: StaffSession,
    Path(invoice): Path<InvoiceId>,
    Json(body): Json<Payment>,
) -> Result<Json<Positioned>, ApiError> {
    let loaded = state.service.load::<Invoice>(invoice.0).await?;
    let issued = loaded
        .state
        .issued
        .as_ref()
        .ok_or_else(ApiError::not_found)?;
    team_client(&state, session.team, issued.client).await?;
    let command = InvoiceCommand::RecordPayment {
        staff: session.staff,
        amount: body.amount,
        paid_on: body.paid_on,
    };
    let executed = state
        .service
        .execute::<Invoice>(invoice.0, &session.context(&state), command)
        .await?;
    Ok(Json(Positioned {
        position: executed.position,
    }))
}
