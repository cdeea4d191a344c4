//! Files on a client's record, staff side (docs/product.md §6.2): upload for the client.

use super::team_client;
use crate::app::AppState;
use crate::http::{ApiError, Json, Path, StaffSession};
use crate::routes::bodies::{FileCreated, FileListing};
use crate::routes::content::{send_content, store_upload, with_upload};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use cma_domain::access::By;
use cma_domain::ids::{ClientId, FileId};
use cma_projections::queries::{self, Scope};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    let reads = OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(download));
    with_upload(reads, routes!(upload))
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
    store_upload(
        &state,
        &session,
        client,
        By::Staff(session.staff),
        &headers,
        multipart,
    )
    .await
}
