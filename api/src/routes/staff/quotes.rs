//! Quotes, staff side (docs/product.md §4.1, §4.6): draft, edit, send, withdraw, reply on a line.

use super::team_client;
use crate::app::AppState;
use crate::http::{ApiError, Json, Path, SendsCommands, StaffSession, found};
use crate::routes::bodies::{CommentBody, Positioned, currency, positioned, present};
use axum::extract::State;
use axum::http::StatusCode;
use cma_domain::access::By;
use cma_domain::ids::{ClientId, CommentId, LineId, QuoteId};
use cma_domain::quote::{Quote, QuoteCommand, QuoteLine};
use cma_projections::queries::quotes::{QuoteList, QuoteView};
use cma_projections::queries::{self, Scope};
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(view, edit))
        .routes(routes!(send))
        .routes(routes!(withdraw))
        .routes(routes!(comment))
}

/// One quote line as staff write it. `line_id` keeps an existing line's
/// identity on edit; without it the line is new.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LineBody {
    #[serde(default)]
    #[schema(value_type = Option<uuid::Uuid>)]
    pub line_id: Option<LineId>,
    pub description: String,
    #[schema(value_type = String, example = "2.5")]
    pub quantity: Decimal,
    #[schema(value_type = String, example = "120.00")]
    pub unit_price: Decimal,
    #[schema(value_type = String, example = "20")]
    pub tax_rate: Decimal,
    pub optional: bool,
    pub selected: bool,
}

/// A new line's id (the default `LineId` is the nil id, not a fresh one).
fn fresh_line() -> LineId {
    LineId::new()
}

impl LineBody {
    fn into_line(self) -> QuoteLine {
        QuoteLine {
            id: self.line_id.unwrap_or_else(fresh_line),
            description: self.description,
            quantity: self.quantity,
            unit_price: self.unit_price,
            tax_rate: self.tax_rate,
            optional: self.optional,
            selected: self.selected,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewQuote {
    pub title: String,
    #[schema(example = "GBP")]
    pub currency: String,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<Date>,
    pub lines: Vec<LineBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteCreated {
    #[schema(value_type = uuid::Uuid)]
    pub quote_id: QuoteId,
    /// Global event-log position of the command's last event.
    pub position: u64,
}

/// Any subset: an absent field is kept, `expires_on: null` clears the expiry.
#[derive(Debug, Deserialize, ToSchema)]
pub struct QuoteChanges {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<Option<Date>>,
    #[serde(default)]
    pub lines: Option<Vec<LineBody>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteRevised {
    pub revision: u32,
    /// Global event-log position of the command's last event.
    pub position: u64,
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/quotes", tag = "quotes",
    params(("id" = uuid::Uuid, Path, description = "client id")),
    request_body = NewQuote,
    responses((status = 201, body = QuoteCreated), (status = 404), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    session: StaffSession,
    Path(client): Path<ClientId>,
    Json(body): Json<NewQuote>,
) -> Result<(StatusCode, Json<QuoteCreated>), ApiError> {
    team_client(&state, session.team, client).await?;
    let quote = QuoteId::new();
    let command = QuoteCommand::Draft {
        quote,
        team: session.team,
        client,
        by: session.staff,
        title: body.title,
        currency: currency(&body.currency)?,
        expires_on: body.expires_on,
        lines: body
            .lines
            .into_iter()
            .map(|l| LineBody { line_id: None, ..l }.into_line())
            .collect(),
    };
    let executed = session.execute::<Quote>(&state, quote.0, command).await?;
    Ok((
        StatusCode::CREATED,
        Json(QuoteCreated {
            quote_id: quote,
            position: executed.position,
        }),
    ))
}

#[utoipa::path(get, path = "/api/v1/quotes/{id}", tag = "quotes",
    params(("id" = uuid::Uuid, Path, description = "quote id")),
    responses((status = 200, body = QuoteView), (status = 404)))]
pub async fn view(
    State(state): State<AppState>,
    session: StaffSession,
    Path(quote): Path<QuoteId>,
) -> Result<Json<QuoteView>, ApiError> {
    let scope = Scope::Team(session.team);
    found(queries::quotes::get(&state.read, scope, quote, state.clock.now()).await?)
}

#[utoipa::path(get, path = "/api/v1/clients/{id}/quotes", tag = "quotes",
    params(("id" = uuid::Uuid, Path, description = "client id")),
    responses((status = 200, body = QuoteList), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    session: StaffSession,
    Path(client): Path<ClientId>,
) -> Result<Json<QuoteList>, ApiError> {
    let scope = Scope::Team(session.team);
    found(queries::quotes::list(&state.read, scope, client, state.clock.now()).await?)
}

#[utoipa::path(put, path = "/api/v1/quotes/{id}", tag = "quotes",
    params(("id" = uuid::Uuid, Path, description = "quote id")),
    request_body = QuoteChanges,
    responses((status = 200, body = QuoteRevised), (status = 404), (status = 409), (status = 422)))]
pub async fn edit(
    State(state): State<AppState>,
    session: StaffSession,
    Path(quote): Path<QuoteId>,
    Json(body): Json<QuoteChanges>,
) -> Result<Json<QuoteRevised>, ApiError> {
    let command = QuoteCommand::Edit {
        team: session.team,
        by: session.staff,
        title: body.title,
        expires_on: body.expires_on,
        lines: body
            .lines
            .map(|lines| lines.into_iter().map(LineBody::into_line).collect()),
    };
    let executed = execute(&state, &session, quote, command).await?;
    Ok(Json(QuoteRevised {
        revision: executed.state.revision,
        position: executed.position,
    }))
}

#[utoipa::path(post, path = "/api/v1/quotes/{id}/send", tag = "quotes",
    params(("id" = uuid::Uuid, Path, description = "quote id")),
    responses((status = 200, body = Positioned), (status = 404), (status = 409)))]
pub async fn send(
    State(state): State<AppState>,
    session: StaffSession,
    Path(quote): Path<QuoteId>,
) -> Result<Json<Positioned>, ApiError> {
    let command = QuoteCommand::Send {
        team: session.team,
        by: session.staff,
    };
    positioned::<Quote>(&state, &session, quote.0, command).await
}

#[utoipa::path(post, path = "/api/v1/quotes/{id}/withdraw", tag = "quotes",
    params(("id" = uuid::Uuid, Path, description = "quote id")),
    responses((status = 200, body = Positioned), (status = 404), (status = 409)))]
pub async fn withdraw(
    State(state): State<AppState>,
    session: StaffSession,
    Path(quote): Path<QuoteId>,
) -> Result<Json<Positioned>, ApiError> {
    let command = QuoteCommand::Withdraw {
        team: session.team,
        by: session.staff,
    };
    positioned::<Quote>(&state, &session, quote.0, command).await
}

#[utoipa::path(post, path = "/api/v1/quotes/{id}/lines/{line_id}/comments", tag = "quotes",
    params(("id" = uuid::Uuid, Path, description = "quote id"),
           ("line_id" = uuid::Uuid, Path, description = "line id")),
    request_body = CommentBody,
    responses((status = 201, body = Positioned), (status = 404), (status = 409), (status = 422)))]
pub async fn comment(
    State(state): State<AppState>,
    session: StaffSession,
    Path((quote, line)): Path<(QuoteId, LineId)>,
    Json(body): Json<CommentBody>,
) -> Result<(StatusCode, Json<Positioned>), ApiError> {
    let command = QuoteCommand::Comment {
        team: session.team,
        by: By::Staff(session.staff),
        comment: CommentId::new(),
        line,
        text: body.text,
    };
    let executed = execute(&state, &session, quote, command).await?;
    Ok((StatusCode::CREATED, Positioned::at(executed.position)))
}

async fn execute(
    state: &AppState,
    session: &StaffSession,
    quote: QuoteId,
    command: QuoteCommand,
) -> Result<cma_store::Executed<Quote>, ApiError> {
    Ok(session.execute::<Quote>(state, quote.0, command).await?)
}
