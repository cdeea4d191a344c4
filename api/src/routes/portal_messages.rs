//! Messages in the client portal (PRODUCT §7.1): post, mark read.

use super::messages::{MessageBody, MessageCreated, ReadMarker, mark_thread_read, post_in_thread};
use super::scope::section;
use super::wire::Positioned;
use crate::app::AppState;
use crate::http::{ApiError, ClientSession};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use cma_domain::access::{By, Section};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/portal/messages", post(post_message))
        .route("/api/v1/portal/messages/read", post(mark_read))
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
