//! Messages, staff side (docs/product.md §7): post in a client's thread, mark it read.
//!
//! Reading a thread (`GET`) has no side effects; a side marks what it has
//! read with `POST .../messages/read`, which the inbox unread counts follow.

use super::team_client;
use crate::app::AppState;
use crate::http::{ApiError, Json, Path, SendsCommands, StaffSession, found};
use crate::routes::bodies::{MessageBody, MessageCreated, Positioned, ReadMarker};
use crate::routes::threads::{mark_thread_read, post_in_thread};
use axum::extract::State;
use axum::http::StatusCode;
use cma_domain::access::By;
use cma_domain::ids::ClientId;
use cma_projections::queries::messages::{Inbox, MessageList};
use cma_projections::queries::{self, Scope};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(inbox))
        .routes(routes!(post_message, thread))
        .routes(routes!(mark_read))
}

#[utoipa::path(get, path = "/api/v1/inbox", tag = "messages",
    responses((status = 200, description = "the threads with a message, newest first", body = Inbox)))]
pub async fn inbox(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Json<Inbox>, ApiError> {
    Ok(Json(
        queries::messages::inbox(&state.read, session.team).await?,
    ))
}

/// Reading does not mark the thread read: see `POST .../messages/read`.
#[utoipa::path(get, path = "/api/v1/clients/{id}/messages", tag = "messages",
    params(("id" = uuid::Uuid, Path, description = "client id")),
    responses((status = 200, description = "the thread, oldest first", body = MessageList), (status = 404)))]
pub async fn thread(
    State(state): State<AppState>,
    session: StaffSession,
    Path(client): Path<ClientId>,
) -> Result<Json<MessageList>, ApiError> {
    found(queries::messages::list(&state.read, Scope::Team(session.team), client).await?)
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/messages", tag = "messages",
    params(("id" = uuid::Uuid, Path, description = "client id")),
    request_body = MessageBody,
    responses((status = 201, body = MessageCreated), (status = 404), (status = 422)))]
pub async fn post_message(
    State(state): State<AppState>,
    session: StaffSession,
    Path(client): Path<ClientId>,
    Json(body): Json<MessageBody>,
) -> Result<(StatusCode, Json<MessageCreated>), ApiError> {
    team_client(&state, session.team, client).await?;
    let ctx = session.context(&state);
    post_in_thread(&state, &ctx, client, By::Staff(session.staff), body.text).await
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/messages/read", tag = "messages",
    params(("id" = uuid::Uuid, Path, description = "client id")),
    request_body = ReadMarker,
    responses((status = 200, body = Positioned), (status = 404)))]
pub async fn mark_read(
    State(state): State<AppState>,
    session: StaffSession,
    Path(client): Path<ClientId>,
    Json(body): Json<ReadMarker>,
) -> Result<Json<Positioned>, ApiError> {
    team_client(&state, session.team, client).await?;
    let ctx = session.context(&state);
    mark_thread_read(&state, &ctx, client, By::Staff(session.staff), body.up_to).await
}
