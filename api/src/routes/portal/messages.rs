//! Messages in the client portal (docs/product.md §7.1): post, mark read.

use super::section::{self, InSection};
use crate::app::AppState;
use crate::http::{ApiError, Json, SendsCommands, found};
use crate::routes::bodies::Positioned;
use crate::routes::bodies::{MessageBody, MessageCreated, ReadMarker};
use crate::routes::threads::{mark_thread_read, post_in_thread};
use axum::extract::State;
use axum::http::StatusCode;
use cma_domain::access::By;
use cma_projections::queries;
use cma_projections::queries::messages::MessageList;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(post_message, thread))
        .routes(routes!(mark_read))
}

/// Who calls these routes: a client with the messages section on.
type Caller = InSection<section::Messages>;

/// Reading does not mark the thread read: see `POST /api/v1/portal/messages/read`.
#[utoipa::path(get, path = "/api/v1/portal/messages", tag = "portal",
    responses((status = 200, description = "the thread, oldest first", body = MessageList), (status = 403)))]
pub async fn thread(
    State(state): State<AppState>,
    session: Caller,
) -> Result<Json<MessageList>, ApiError> {
    found(queries::messages::list(&state.read, session.scope(), session.client).await?)
}

#[utoipa::path(post, path = "/api/v1/portal/messages", tag = "portal",
    request_body = MessageBody,
    responses((status = 201, body = MessageCreated), (status = 403), (status = 422)))]
pub async fn post_message(
    State(state): State<AppState>,
    session: Caller,
    Json(body): Json<MessageBody>,
) -> Result<(StatusCode, Json<MessageCreated>), ApiError> {
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
    session: Caller,
    Json(body): Json<ReadMarker>,
) -> Result<Json<Positioned>, ApiError> {
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
