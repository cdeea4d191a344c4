//! Project Files & Inspiration in the client portal (docs/product.md §6.1).

use super::files::{FileCreated, FileListing, send_content, store_upload};
use super::scope::{scope, section};
use crate::app::AppState;
use crate::http::{ApiError, ClientSession, Json, Path};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use cma_domain::access::{By, Section};
use cma_domain::ids::FileId;
use cma_projections::queries;
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

#[utoipa::path(get, path = "/api/v1/portal/files", tag = "portal",
    responses((status = 200, body = FileListing), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    session: ClientSession,
) -> Result<Json<FileListing>, ApiError> {
    section(&session, Section::Files)?;
    let list = queries::files::list(&state.read, scope(&session), session.client)
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
    session: ClientSession,
    Path(file): Path<FileId>,
) -> Result<Response, ApiError> {
    section(&session, Section::Files)?;
    send_content(&state, scope(&session), file).await
}

#[utoipa::path(post, path = "/api/v1/portal/files", tag = "portal",
    request_body(content_type = "multipart/form-data", description = "multipart field `file`"),
    responses((status = 201, body = FileCreated), (status = 403), (status = 413), (status = 415)))]
pub async fn upload(
    State(state): State<AppState>,
    session: ClientSession,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<FileCreated>), ApiError> {
    section(&session, Section::Files)?;
    let ctx = session.context(&state);
    let by = By::Client(session.portal);
    store_upload(&state, &ctx, session.client, by, &headers, multipart).await
}
