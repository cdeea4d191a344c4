//! Files on a client's record, staff side (docs/product.md §6.2): upload for the client.

use super::scope::team_client;
use crate::app::AppState;
use crate::http::download::attachment;
use crate::http::upload::receive;
use crate::http::{ApiError, Json, Path, StaffSession};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use cma_domain::access::By;
use cma_domain::file::{FileCommand, StoredFile};
use cma_domain::ids::{ClientId, FileId};
use cma_projections::queries::files::{FileEntry, FileList};
use cma_projections::queries::{self, Scope};
use cma_store::CommandContext;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new()
        .routes(routes!(upload))
        .layer(DefaultBodyLimit::disable());
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(download))
        .merge(uploads)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FileCreated {
    #[schema(value_type = uuid::Uuid)]
    pub file_id: FileId,
    /// Global event-log position of the command's last event.
    pub position: u64,
}

/// A client's files, and what an upload may be, so a page can say so
/// before the upload.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileListing {
    /// Oldest first.
    pub files: Vec<FileEntry>,
    /// The largest upload accepted, in bytes (`CMA_MAX_UPLOAD_BYTES`); larger is 413.
    pub max_bytes: u64,
    /// The MIME types accepted, as sniffed from the content (never the
    /// name or the declared type); others are 415.
    #[schema(example = json!(["image/png", "application/pdf"]))]
    pub accepted_types: Vec<&'static str>,
}

impl FileListing {
    /// `list` with the limits uploads to the client's record are checked against.
    pub fn new(state: &AppState, list: FileList) -> Self {
        let accepts = state.files.files();
        Self {
            files: list.files,
            max_bytes: accepts.max_bytes,
            accepted_types: accepts.content_types.to_vec(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/clients/{id}/files", tag = "files",
    params(("id" = uuid::Uuid, Path, description = "client id")),
    responses((status = 200, body = FileListing), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    session: StaffSession,
    Path(client): Path<ClientId>,
) -> Result<Json<FileListing>, ApiError> {
    let list = queries::files::list(&state.read, Scope::Team(session.team), client)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(FileListing::new(&state, list)))
}

#[utoipa::path(get, path = "/api/v1/files/{file_id}/content", tag = "files",
    params(("file_id" = uuid::Uuid, Path, description = "file id")),
    responses((status = 200, description = "the bytes, with the stored Content-Type, an attachment Content-Disposition and `X-Content-Type-Options: nosniff`",
        content_type = "application/octet-stream"), (status = 404)))]
pub async fn download(
    State(state): State<AppState>,
    session: StaffSession,
    Path(file): Path<FileId>,
) -> Result<Response, ApiError> {
    send_content(&state, Scope::Team(session.team), file).await
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
    let content = state
        .files
        .open_content(&found.storage_key)
        .await?
        .ok_or_else(|| ApiError::internal(format!("content of file {file} is missing")))?;
    let size = u64::try_from(found.size).map_err(ApiError::internal)?;
    Ok(attachment(content, size, &found.content_type, &found.name))
}

#[utoipa::path(post, path = "/api/v1/clients/{id}/files", tag = "files",
    params(("id" = uuid::Uuid, Path, description = "client id")),
    request_body(content_type = "multipart/form-data", description = "multipart field `file`"),
    responses((status = 201, body = FileCreated), (status = 404), (status = 413), (status = 415)))]
pub async fn upload(
    State(state): State<AppState>,
    session: StaffSession,
    Path(client): Path<ClientId>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<FileCreated>), ApiError> {
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
