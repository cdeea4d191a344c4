//! Messages in the client portal (docs/product.md §7.1): post, mark read.

use super::Positioned;
use super::messages::{MessageBody, MessageCreated, ReadMarker, mark_thread_read, post_in_thread};
use super::scope::{scope, section};
use crate::app::AppState;
use crate::http::{ApiError, ClientSession, Json};
use axum::extract::State;
use axum::http::StatusCode;
use cma_domain::access::{By, Section};
use cma_projections::queries;
use cma_projections::queries::messages::MessageList;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(post_message, thread))
        .routes(routes!(mark_read))
}

/// Reading does not mark the thread read: see `POST /api/v1/portal/messages/read`.
#[utoipa::path(get, path = "/api/v1/portal/messages", tag = "portal",
    responses((status = 200, description = "the thread, oldest first", body = MessageList), (status = 403)))]
pub async fn thread(
    State(state): State<AppState>,
    session: ClientSession,
) -> Result<Json<MessageList>, ApiError> {
    section(&session, Section::Messages)?;
    queries::messages::list(&state.read, scope(&session), session.client)
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

#[utoipa::path(post, path = "/api/v1/portal/messages", tag = "portal",
    request_body = MessageBody,
    responses((status = 201, body = MessageCreated), (status = 403), (status = 422)))]
pub async fn post_message(
    State(state): State<AppState>,
    session: ClientSession,
    Json(body): Json<MessageBody>,
) -> Result<(StatusCode, Json<MessageCreated>), ApiError> {
    section(&session, Section::Messages)?;
    let ctx = session.context(&state);
    post_in_thread(
        &state,
        &ctx,
        session.client,
        By::Client(session.portal),
        body.text,
    )
    .await
}

#[utoipa::path(post, path = "/api/v1/portal/messages/read", tag = "portal",
    request_body = ReadMarker,
    responses((status = 200, body = Positioned), (status = 403), (status = 404)))]
pub async fn mark_read(
    State(state): State<AppState>,
    session: ClientSession,
    Json(body): Json<ReadMarker>,
) -> Result<Json<Positioned>, ApiError> {
    section(&session, Section::Messages)?;
    let ctx = session.context(&state);
    mark_thread_read(
        &state,
        &ctx,
        session.client,
        By::Client(session.portal),
        body.up_to,
    )
    .await
}
