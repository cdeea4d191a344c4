//! Stored bytes in and out, for staff and portal routes alike: a client
//! file's upload and download, and the team's logo.

use super::bodies::FileCreated;
use crate::app::AppState;
use crate::file_storage::ContentStream;
use crate::http::download::{attachment, inline};
use crate::http::upload::receive;
use crate::http::{ApiError, Json, SendsCommands};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use cma_domain::access::By;
use cma_domain::file::{FileCommand, StoredFile};
use cma_domain::ids::{ClientId, FileId, TeamId};
use cma_projections::queries::{self, Scope};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

/// `routes` and the `upload` route, whose body streams to the content
/// store under the upload limit rather than the JSON body limit.
pub(super) fn with_upload(
    routes: OpenApiRouter<AppState>,
    upload: UtoipaMethodRouter<AppState>,
) -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new()
        .routes(upload)
        .layer(DefaultBodyLimit::disable());
    routes.merge(uploads)
}

/// The stored bytes of a file in `scope`.
pub(super) async fn send_content(
    state: &AppState,
    scope: Scope,
    file: FileId,
) -> Result<Response, ApiError> {
    let found = queries::files::content(&state.read, scope, file)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let what = format!("file {file}");
    let (content, size) = stored(state, &found.storage_key, found.size, &what).await?;
    Ok(attachment(content, size, &found.content_type, &found.name))
}

/// The bytes kept under `key` and their size; a read model naming bytes
/// the store does not hold is a server error about `what`.
async fn stored(
    state: &AppState,
    key: &str,
    size: i64,
    what: &str,
) -> Result<(ContentStream, u64), ApiError> {
    let content = state
        .files
        .open_content(key)
        .await?
        .ok_or_else(|| ApiError::internal(format!("content of {what} is missing")))?;
    let size = u64::try_from(size).map_err(ApiError::internal)?;
    Ok((content, size))
}

/// Receives the content, then records the upload for `client` by `caller`.
pub(super) async fn store_upload(
    state: &AppState,
    caller: &impl SendsCommands,
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
        .execute::<StoredFile>(file.0, &caller.context(state), command)
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
    let what = format!("logo {}", found.file_id);
    let (content, size) = stored(state, &found.storage_key, found.size, &what).await?;
    Ok(inline(content, size, &found.content_type))
}
