//! Stored bytes in and out, for staff and portal routes alike: a client
//! file's upload and download, and the team's logo.

use super::bodies::FileCreated;
use crate::app::AppState;
use crate::http::download::{attachment, inline};
use crate::http::upload::receive;
use crate::http::{ApiError, Json};
use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use cma_domain::access::By;
use cma_domain::file::{FileCommand, StoredFile};
use cma_domain::ids::{ClientId, FileId, TeamId};
use cma_projections::queries::{self, Scope};
use cma_store::CommandContext;

/// The stored bytes of a file in `scope`.
pub(super) async fn send_content(
    state: &AppState,
    scope: Scope,
    file: FileId,
) -> Result<Response, ApiError> {
    let found = queries::files::content(&state.read, scope, file)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let content = state
        .files
        .open_content(&found.storage_key)
        .await?
        .ok_or_else(|| ApiError::internal(format!("content of file {file} is missing")))?;
    let size = u64::try_from(found.size).map_err(ApiError::internal)?;
    Ok(attachment(content, size, &found.content_type, &found.name))
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
    let received = receive(&state.files, state.files.files(), headers, multipart).await?;
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

/// The team's logo, inline.
pub(super) async fn send_logo(state: &AppState, team: TeamId) -> Result<Response, ApiError> {
    let found = queries::team::logo(&state.read, team)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let content = state
        .files
        .open_content(&found.storage_key)
        .await?
        .ok_or_else(|| {
            ApiError::internal(format!("content of logo {} is missing", found.file_id))
        })?;
    let size = u64::try_from(found.size).map_err(ApiError::internal)?;
    Ok(inline(content, size, &found.content_type))
}
