//! Messages, staff side (docs/product.md §7): post in a client's thread, mark it read.
//!
//! Reading a thread (`GET`) has no side effects; a side marks what it has
//! read with `POST .../messages/read`, which the inbox unread counts follow.

use super::Positioned;
use super::scope::team_client;
use crate::app::AppState;
use crate::http::{ApiError, Json, Path, StaffSession};
use axum::extract::State;
use axum::http::StatusCode;
use cma_domain::access::By;
use cma_domain::conversation::{Conversation, ConversationCommand};
use cma_domain::ids::{ClientId, MessageId};
use cma_projections::queries::messages::{Inbox, MessageList};
use cma_projections::queries::{self, Scope};
use cma_store::CommandContext;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(inbox))
        .routes(routes!(post_message, thread))
        .routes(routes!(mark_read))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MessageBody {
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageCreated {
    #[schema(value_type = uuid::Uuid)]
    pub message_id: MessageId,
    /// Global event-log position of the command's last event.
    pub position: u64,
}

/// Marks the thread read up to `up_to`, or up to its latest message.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ReadMarker {
    #[serde(default)]
    #[schema(value_type = Option<uuid::Uuid>)]
    pub up_to: Option<MessageId>,
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
    queries::messages::list(&state.read, Scope::Team(session.team), client)
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
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

/// Posts `text` in `client`'s thread.
pub(super) async fn post_in_thread(
    state: &AppState,
    ctx: &CommandContext,
    client: ClientId,
    by: By,
    text: String,
) -> Result<(StatusCode, Json<MessageCreated>), ApiError> {
    let message = MessageId::new();
    let command = ConversationCommand::Post {
        message,
        client,
        by,
        text,
    };
    let executed = state
        .service
        .execute::<Conversation>(client.0, ctx, command)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(MessageCreated {
            message_id: message,
            position: executed.position,
        }),
    ))
}

/// Moves `by`'s read marker in `client`'s thread; an empty thread has nothing to mark.
pub(super) async fn mark_thread_read(
    state: &AppState,
    ctx: &CommandContext,
    client: ClientId,
    by: By,
    up_to: Option<MessageId>,
) -> Result<Json<Positioned>, ApiError> {
    let up_to = match up_to {
        Some(message) => message,
        None => {
            let loaded = state.service.load::<Conversation>(client.0).await?;
            match loaded.state.messages.last() {
                Some(last) => last.message,
                None => {
                    return Ok(Json(Positioned {
                        position: loaded.position,
                    }));
                }
            }
        }
    };
    let command = ConversationCommand::MarkRead { client, by, up_to };
    let executed = state
        .service
        .execute::<Conversation>(client.0, ctx, command)
        .await?;
    Ok(Json(Positioned {
        position: executed.position,
    }))
}
