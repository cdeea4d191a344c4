//! Project Files & Inspiration in the client portal (docs/product.md §6.1).

use super::section::{self, InSection};
use crate::app::AppState;
use crate::http::{ApiError, Json, Path};
use crate::routes::bodies::{FileCreated, FileListing};
use crate::routes::content::{send_content, store_upload, with_upload};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use cma_domain::access::By;
use cma_domain::ids::FileId;
use cma_projections::queries;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    let reads = OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(download));
    with_upload(reads, routes!(upload))
}

/// Who calls these routes: a client with the files section on.
type Caller = InSection<section::Files>;

#[utoipa::path(get, path = "/api/v1/portal/files", tag = "portal",
    responses((status = 200, body = FileListing), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    session: Caller,
) -> Result<Json<FileListing>, ApiError> {
    let list = queries::files::list(&state.read, session.scope(), session.client)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(FileListing::new(&state, list)))
}

#[utoipa::path(get, path = "/api/v1/portal/files/{file_id}/content", tag = "portal",
    params(("file_id" = uuid::Uuid, Path, description = "file id")),
    responses((status = 200, description = "the bytes, with the stored Content-Type, an attachment Content-Disposition and `X-Content-Type-Options: nosniff`",
        content_type = "application/octet-stream"), (status = 403), (status = 404)))]
pub async fn download(
    State(state): State<AppState>,
    session: Caller,
    Path(file): Path<FileId>,
) -> Result<Response, ApiError> {
    send_content(&state, session.scope(), file).await
}

#[utoipa::path(post, path = "/api/v1/portal/files", tag = "portal",
    request_body(content_type = "multipart/form-data", description = "multipart field `file`"),
    responses((status = 201, body = FileCreated), (status = 403), (status = 413), (status = 415)))]
pub async fn upload(
    State(state): State<AppState>,
    session: Caller,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<FileCreated>), ApiError> {
    let by = By::Client(session.portal);
    store_upload(&state, &session, session.client, by, &headers, multipart).await
}
