//! Invoices, staff side (docs/product.md §5.1): issue, record payments.

use super::team_client;
use crate::app::AppState;
use crate::http::{ApiError, Json, Path, SendsCommands, StaffSession, found};
use crate::routes::bodies::currency;
use axum::extract::State;
use axum::http::StatusCode;
use cma_domain::Aggregate;
use cma_domain::ids::{ClientId, InvoiceId, PaymentId, StaffId, TeamId};
use cma_domain::invoice::{Invoice, InvoiceCommand, LineInput};
use cma_domain::invoice_numbers::{InvoiceNumbers, InvoiceNumbersCommand, format_number};
use cma_projections::queries::invoices::{InvoiceList, InvoiceView};
use cma_projections::queries::{self, Scope};
use cma_store::{CommandContext, ServiceError};
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
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

/// Without a `number`, the invoice takes the team's next automatic number:
/// `INV-0001`, `INV-0002`, ... (sequential per team, never repeated).
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

/// A payment received. Send a `payment_id` (a fresh UUID per payment) so
/// that sending it again records it once: the same id with the same amount
/// and day is answered as the first time, with another amount or day 409.
/// Without one the server gives the payment a new id.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Payment {
    #[serde(default)]
    #[schema(value_type = Option<uuid::Uuid>)]
    pub payment_id: Option<PaymentId>,
    #[schema(value_type = String, example = "100.00")]
    pub amount: Decimal,
    #[schema(value_type = String, format = Date)]
    pub paid_on: Date,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentRecorded {
    /// The payment's id: the one sent, or the one the server gave it.
    #[schema(value_type = uuid::Uuid)]
    pub payment_id: PaymentId,
    /// Global event-log position of the payment's event.
    pub position: u64,
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
    let typed = body.number.clone();
    let mut command = InvoiceCommand::Issue {
        invoice,
        client,
        staff: session.staff,
        number: typed.clone().unwrap_or_else(|| format_number(1)),
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
    let ctx = session.context(&state);
    if typed.is_none() {
        // Checked before a number is taken, so a refused invoice uses none up.
        Invoice::default()
            .decide(command.clone(), ctx.now)
            .map_err(|e| ApiError::refused(&e))?;
        let number = assign_number(&state, &ctx, session.team, session.staff, invoice).await?;
        if let InvoiceCommand::Issue { number: n, .. } = &mut command {
            *n = format_number(number);
        }
    }
    let executed = state
        .service
        .execute::<Invoice>(invoice.0, &ctx, command)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(InvoiceCreated {
            invoice_id: invoice,
            position: executed.position,
        }),
    ))
}

/// Rounds of the service's own retries an automatic number may take: a
/// burst of concurrent issues in one team conflicts on the team's number
/// stream, and each round at least one of them gets its number.
const NUMBER_ROUNDS: usize = 20;

/// The team's next automatic invoice number, taken for `invoice`.
async fn assign_number(
    state: &AppState,
    ctx: &CommandContext,
    team: TeamId,
    staff: StaffId,
    invoice: InvoiceId,
) -> Result<u32, ApiError> {
    let command = InvoiceNumbersCommand::Assign {
        team,
        invoice,
        by: staff,
    };
    let mut rounds = 0;
    loop {
        match state
            .service
            .execute::<InvoiceNumbers>(team.0, ctx, command.clone())
            .await
        {
            Ok(executed) => {
                return executed
                    .state
                    .number_of(invoice)
                    .ok_or_else(|| ApiError::internal("no invoice number was assigned"));
            }
            Err(ServiceError::Contended(_)) if rounds + 1 < NUMBER_ROUNDS => rounds += 1,
            Err(e) => return Err(e.into()),
        }
    }
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
    found(queries::invoices::list(&state.read, scope, client, state.clock.now()).await?)
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
    found(queries::invoices::get(&state.read, scope, invoice, state.clock.now()).await?)
}

#[utoipa::path(post, path = "/api/v1/invoices/{id}/payments", tag = "invoices",
    params(("id" = uuid::Uuid, Path, description = "invoice id")),
    request_body = Payment,
    responses((status = 200, body = PaymentRecorded), (status = 404), (status = 409), (status = 422)))]
pub async fn record_payment(
    State(state): State<AppState>,
    session: StaffSession,
    Path(invoice): Path<InvoiceId>,
    Json(body): Json<Payment>,
) -> Result<Json<PaymentRecorded>, ApiError> {
    let loaded = state.service.load::<Invoice>(invoice.0).await?;
    let issued = loaded
        .state
        .issued
        .as_ref()
        .ok_or_else(ApiError::not_found)?;
    team_client(&state, session.team, issued.client).await?;
    let payment = body.payment_id.unwrap_or_else(PaymentId::new);
    let command = InvoiceCommand::RecordPayment {
        payment,
        staff: session.staff,
        amount: body.amount,
        paid_on: body.paid_on,
    };
    let executed = session
        .execute::<Invoice>(&state, invoice.0, command)
        .await?;
    // A retry records nothing and is answered with the invoice's last
    // position, at or after the payment's.
    Ok(Json(PaymentRecorded {
        payment_id: payment,
        position: executed.position,
    }))
}
