//! The team's logo (docs/product.md §3.3 branding): staff upload, replace and
//! remove it and fetch it (clients fetch it from the portal's routes).
//!
//! The bytes go through the same upload plumbing as client files, with the
//! logo's own limits ([`LOGO_CONTENT_TYPES`], [`MAX_LOGO_BYTES`]); the team
//! stream records the logo (`TeamLogoChanged`, `TeamLogoRemoved`) and the
//! team read model says where its bytes are.

use crate::app::AppState;
use crate::file_storage::Accepts;
use crate::http::upload::receive;
use crate::http::{ApiError, Json, StaffSession};
use crate::routes::bodies::Positioned;
use crate::routes::bodies::positioned;
use crate::routes::content::{send_logo, with_upload};
use crate::routes::responses::StaffOnly;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::HeaderMap;
use axum::response::Response;
use cma_domain::ids::FileId;
use cma_domain::team::{LOGO_CONTENT_TYPES, MAX_LOGO_BYTES, Team, TeamCommand};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    let reads = OpenApiRouter::new().routes(routes!(logo, remove_logo));
    with_upload(reads, routes!(change_logo))
}

/// What a logo may be.
pub const LOGO: Accepts = Accepts {
    max_bytes: MAX_LOGO_BYTES,
    content_types: LOGO_CONTENT_TYPES,
};

/// Upload the portal's logo, replacing any previous one.
#[utoipa::path(put, path = "/api/v1/team/logo", tag = "team",
    request_body(content_type = "multipart/form-data",
        description = "multipart field `file`: a PNG, JPEG, WebP or GIF image (judged by its bytes) of at most 2 MiB"),
    responses(
        (status = 200, body = Positioned, description = "the logo is recorded; the same image again records nothing"),
        (status = 400, description = "malformed request or no `file` field"),
        StaffOnly,
        (status = 413, description = "larger than 2 MiB"),
        (status = 415, description = "not multipart, or not a PNG, JPEG, WebP or GIF image"),
    ))]
async fn change_logo(
    State(state): State<AppState>,
    staff: StaffSession,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Positioned>, ApiError> {
    let received = receive(&state.files, LOGO, &headers, multipart).await?;
    let stored = received.stored;
    positioned::<Team>(
        &state,
        &staff,
        staff.team.0,
        TeamCommand::ChangeLogo {
            by: staff.staff,
            file: FileId::new(),
            content_type: stored.content_type.to_owned(),
            size: stored.size,
            storage_key: stored.sha256.clone(),
            sha256: stored.sha256,
        },
    )
    .await
}

/// Remove the portal's logo.
#[utoipa::path(delete, path = "/api/v1/team/logo", tag = "team",
    responses(
        (status = 200, body = Positioned, description = "there is no logo now (removing none records nothing)"),
        StaffOnly,
    ))]
async fn remove_logo(
    State(state): State<AppState>,
    staff: StaffSession,
) -> Result<Json<Positioned>, ApiError> {
    positioned::<Team>(
        &state,
        &staff,
        staff.team.0,
        TeamCommand::RemoveLogo { by: staff.staff },
    )
    .await
}

/// The team's logo, for staff (`branding.logo_url` of the team settings).
#[utoipa::path(get, path = "/api/v1/team/logo", tag = "team",
    params(("v" = Option<String>, Query, description = "ignored: the logo id, so a new logo is a new URL")),
    responses(
        (status = 200, description = "the image, with its stored Content-Type and `X-Content-Type-Options: nosniff`",
            content_type = "image/*"),
        StaffOnly,
        (status = 404, description = "the team has no logo"),
    ))]
async fn logo(State(state): State<AppState>, staff: StaffSession) -> Result<Response, ApiError> {
    send_logo(&state, staff.team).await
}
