//! A client's message thread, for staff and portal routes alike: post in
//! it, mark it read.

use super::bodies::{MessageCreated, Positioned};
use crate::app::AppState;
use crate::http::{ApiError, Json};
use axum::http::StatusCode;
use cma_domain::access::By;
use cma_domain::conversation::{Conversation, ConversationCommand};
use cma_domain::ids::{ClientId, MessageId};
use cma_store::CommandContext;

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
                    return Ok(Positioned::at(loaded.position));
                }
            }
        }
    };
    let command = ConversationCommand::MarkRead { client, by, up_to };
    let executed = state
        .service
        .execute::<Conversation>(client.0, ctx, command)
        .await?;
    Ok(Positioned::at(executed.position))
}
