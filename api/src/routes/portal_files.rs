//! Project Files & Inspiration in the client portal (PRODUCT §6.1).

use super::files::{FileCreated, store_upload};
use super::scope::section;
use crate::app::AppState;
use crate::http::{ApiError, ClientSession};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use cma_domain::access::{By, Section};

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/api/v1/portal/files",
        post(upload).layer(DefaultBodyLimit::disable()),
    )
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
