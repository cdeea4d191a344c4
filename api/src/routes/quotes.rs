//! Quotes, staff side (PRODUCT §4.1, §4.6): draft, edit, send, withdraw, reply on a line.

use super::Positioned;
use super::scope::team_client;
use super::wire::{currency, id, present};
use crate::app::AppState;
use crate::http::{ApiError, Json, StaffSession};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use cma_domain::access::By;
use cma_domain::ids::{ClientId, CommentId, LineId, QuoteId};
use cma_domain::quote::{Quote, QuoteCommand, QuoteLine};
use cma_projections::queries::{self, Scope};
use cma_store::Position;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
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

impl LineBody {
    fn into_line(self) -> QuoteLine {
        QuoteLine {
            id: self.line_id.unwrap_or_else(|| LineId(uuid::Uuid::new_v4())),
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
    pub position: Position,
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
    pub position: Position,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CommentBody {
    pub text: String,
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/quotes", tag = "quotes",
    params(("id" = uuid::Uuid, Path, description = "client id")),
    request_body = NewQuote,
    responses((status = 201, body = QuoteCreated), (status = 404), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    session: StaffSession,
    Path(client): Path<String>,
    Json(body): Json<NewQuote>,
) -> Result<(StatusCode, Json<QuoteCreated>), ApiError> {
    let client: ClientId = id(&client)?;
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
    let executed = state
        .service
        .execute::<Quote>(quote.0, &session.context(&state), command)
        .await?;
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
    responses((status = 200, description = "the quote view", body = Object), (status = 404)))]
pub async fn view(
    State(state): State<AppState>,
    session: StaffSession,
    Path(quote): Path<String>,
) -> Result<Json<queries::quotes::QuoteView>, ApiError> {
    let scope = Scope::Team(session.team);
    queries::quotes::get(&state.read, scope, id(&quote)?, state.clock.now())
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

#[utoipa::path(get, path = "/api/v1/clients/{id}/quotes", tag = "quotes",
    params(("id" = uuid::Uuid, Path, description = "client id")),
    responses((status = 200, description = "`{quotes: [{quote_id, title, status, revision, totals}]}`", body = Object), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    session: StaffSession,
    Path(client): Path<String>,
) -> Result<Json<queries::quotes::QuoteList>, ApiError> {
    let scope = Scope::Team(session.team);
    queries::quotes::list(&state.read, scope, id(&client)?, state.clock.now())
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

#[utoipa::path(put, path = "/api/v1/quotes/{id}", tag = "quotes",
    params(("id" = uuid::Uuid, Path, description = "quote id")),
    request_body = QuoteChanges,
    responses((status = 200, body = QuoteRevised), (status = 404), (status = 409), (status = 422)))]
pub async fn edit(
    State(state): State<AppState>,
    session: StaffSession,
    Path(quote): Path<String>,
    Json(body): Json<QuoteChanges>,
) -> Result<Json<QuoteRevised>, ApiError> {
    let quote: QuoteId = id(&quote)?;
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
    Path(quote): Path<String>,
) -> Result<Json<Positioned>, ApiError> {
    let command = QuoteCommand::Send {
        team: session.team,
        by: session.staff,
    };
    let executed = execute(&state, &session, id(&quote)?, command).await?;
    Ok(Json(Positioned {
        position: executed.position,
    }))
}

#[utoipa::path(post, path = "/api/v1/quotes/{id}/withdraw", tag = "quotes",
    params(("id" = uuid::Uuid, Path, description = "quote id")),
    responses((status = 200, body = Positioned), (status = 404), (status = 409)))]
pub async fn withdraw(
    State(state): State<AppState>,
    session: StaffSession,
    Path(quote): Path<String>,
) -> Result<Json<Positioned>, ApiError> {
    let command = QuoteCommand::Withdraw {
        team: session.team,
        by: session.staff,
    };
    let executed = execute(&state, &session, id(&quote)?, command).await?;
    Ok(Json(Positioned {
        position: executed.position,
    }))
}

#[utoipa::path(post, path = "/api/v1/quotes/{id}/lines/{line_id}/comments", tag = "quotes",
    params(("id" = uuid::Uuid, Path, description = "quote id"),
           ("line_id" = uuid::Uuid, Path, description = "line id")),
    request_body = CommentBody,
    responses((status = 201, body = Positioned), (status = 404), (status = 409), (status = 422)))]
pub async fn comment(
    State(state): State<AppState>,
    session: StaffSession,
    Path((quote, line)): Path<(String, String)>,
    Json(body): Json<CommentBody>,
) -> Result<(StatusCode, Json<Positioned>), ApiError> {
    let command = QuoteCommand::Comment {
        team: session.team,
        by: By::Staff(session.staff),
        comment: CommentId::new(),
        line: id(&line)?,
        text: body.text,
    };
    let executed = execute(&state, &session, id(&quote)?, command).await?;
    Ok((
        StatusCode::CREATED,
        Json(Positioned {
            position: executed.position,
        }),
    ))
}

async fn execute(
    state: &AppState,
    session: &StaffSession,
    quote: QuoteId,
    command: QuoteCommand,
) -> Result<cma_store::Executed<Quote>, ApiError> {
    Ok(state
        .service
        .execute::<Quote>(quote.0, &session.context(state), command)
        .await?)
}
