//! The client's own portal page (docs/product.md §3.5): who they are, the business,
//! its branding, logo and the sections that are on; the client's email choice.

use crate::app::AppState;
use crate::http::{ApiError, ClientSession, Json, found};
use crate::routes::bodies::Positioned;
use crate::routes::bodies::positioned;
use crate::routes::content::send_logo;
use axum::extract::State;
use axum::response::Response;
use cma_domain::client::{Client, ClientCommand};
use cma_projections::queries;
use cma_projections::queries::clients::Me;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(change_notifications))
        .routes(routes!(portal_logo))
}

#[utoipa::path(get, path = "/api/v1/portal/me", tag = "portal",
    responses((status = 200, body = Me), (status = 401)))]
pub async fn me(
    State(state): State<AppState>,
    session: ClientSession,
) -> Result<Json<Me>, ApiError> {
    found(queries::clients::me(&state.read, session.team, session.client).await?)
}

/// The client's choice about portal-update emails.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NotificationsChange {
    /// Email me when something new is waiting (a quote sent or revised, an
    /// invoice issued or overdue, a file shared). Invites, password resets,
    /// booking and message emails are not affected.
    pub email: bool,
}

/// Turn the emails about new things in the portal on or off. Open to the
/// client whatever sections are on; choosing the value already saved
/// records nothing.
#[utoipa::path(put, path = "/api/v1/portal/notifications", tag = "portal",
    request_body = NotificationsChange,
    responses(
        (status = 200, body = Positioned),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not a client, or the portal is suspended"),
    ))]
pub async fn change_notifications(
    State(state): State<AppState>,
    session: ClientSession,
    Json(body): Json<NotificationsChange>,
) -> Result<Json<Positioned>, ApiError> {
    positioned::<Client>(
        &state,
        &session,
        session.client.0,
        ClientCommand::ChangeEmailNotifications {
            client: session.client,
            on: body.email,
        },
    )
    .await
}

/// The business's logo, for any logged-in client of the team whatever
/// their sections (`branding.logo_url` of `GET /api/v1/portal/me`).
#[utoipa::path(get, path = "/api/v1/portal/logo", tag = "portal",
    params(("v" = Option<String>, Query, description = "ignored: the logo id, so a new logo is a new URL")),
    responses(
        (status = 200, description = "the image, with its stored Content-Type and `X-Content-Type-Options: nosniff`",
            content_type = "image/*"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not a client"),
        (status = 404, description = "the business has no logo"),
    ))]
async fn portal_logo(
    State(state): State<AppState>,
    session: ClientSession,
) -> Result<Response, ApiError> {
    send_logo(&state, session.team).await
}
