//! Files on a client's record, staff side (PRODUCT §6.2): upload for the client.

use super::scope::team_client;
use super::wire::id;
use crate::app::AppState;
use crate::http::upload::receive;
use crate::http::{ApiError, StaffSession};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use cma_domain::access::By;
use cma_domain::file::{FileCommand, StoredFile};
use cma_domain::ids::{ClientId, FileId};
use cma_store::{CommandContext, Position};
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/api/v1/clients/{id}/files",
        post(upload).layer(DefaultBodyLimit::disable()),
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FileCreated {
    #[schema(value_type = uuid::Uuid)]
    pub file_id: FileId,
    pub position: Position,
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/files", tag = "files",
    params(("id" = uuid::Uuid, Path, description = "client id")),
    request_body(content_type = "multipart/form-data", description = "multipart field `file`"),
    responses((status = 201, body = FileCreated), (status = 404), (status = 413), (status = 415)))]
pub async fn upload(
    State(state): State<AppState>,
    session: StaffSession,
    Path(client): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<FileCreated>), ApiError> {
    let client: ClientId = id(&client)?;
    team_client(&state, session.team, client).await?;
    let ctx = session.context(&state);
    store_upload(
        &state,
        &ctx,
        client,
        By::Staff(session.staff),
        &headers,
        multipart,
    )
    .await
}

/// Receives the content, then records the upload for `client`.
pub(super) async fn store_upload(
    state: &AppState,
    ctx: &CommandContext,
    client: ClientId,
    by: By,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<FileCreated>), ApiError> {
    let received = receive(&state.files, headers, multipart).await?;
    let file = FileId::new();
    let command = FileCommand::Upload {
        file,
        client,
        by,
        name: received.name,
        content_type: received.stored.content_type.to_owned(),
        size: received.stored.size,
        max_size: state.files.max_bytes(),
        storage_key: received.stored.sha256.clone(),
        sha256: received.stored.sha256,
    };
    let executed = state
        .service
        .execute::<StoredFile>(file.0, ctx, command)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(FileCreated {
            file_id: file,
            position: executed.position,
        }),
    ))
}
