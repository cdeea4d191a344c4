//! Quotes in the client portal (docs/product.md §4.2–§4.7): toggle optional lines,
//! comment on a line, accept with a typed name and a drawn signature.

use super::section::{self, InSection};
use crate::app::AppState;
use crate::http::{ApiError, Json, Path, SendsCommands, found};
use crate::identity::{origin, sessions};
use crate::routes::bodies::CommentBody;
use crate::routes::bodies::Positioned;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use cma_domain::access::By;
use cma_domain::ids::{CommentId, LineId, QuoteId};
use cma_domain::money::Totals;
use cma_domain::quote::{Acceptance, Quote, QuoteCommand, QuoteError};
use cma_projections::queries;
use cma_projections::queries::quotes::{QuoteList, QuoteView};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(view))
        .routes(routes!(toggle))
        .routes(routes!(comment))
        .routes(routes!(accept))
}

/// Who calls these routes: a client with the quotes section on.
type Caller = InSection<section::Quotes>;

#[derive(Debug, Deserialize, ToSchema)]
pub struct Selection {
    pub selected: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Toggled {
    pub totals: Totals,
    /// Global event-log position of the command's last event.
    pub position: u64,
}

/// The client's acceptance: the name they typed and the signature they drew.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AcceptBody {
    pub name: String,
    /// `data:image/png;base64,...`
    pub signature: String,
    /// The revision the client was shown (required: 400 without it); a
    /// newer one is refused (409).
    #[serde(deserialize_with = "crate::routes::bodies::whole")]
    pub revision: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    #[schema(format = DateTime)]
    pub accepted_at: String,
    /// Global event-log position of the command's last event.
    pub position: u64,
}

#[utoipa::path(get, path = "/api/v1/portal/quotes", tag = "portal",
    responses((status = 200, description = "the sent quotes", body = QuoteList), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    session: Caller,
) -> Result<Json<QuoteList>, ApiError> {
    let now = state.clock.now();
    found(queries::quotes::list(&state.read, session.scope(), session.client, now).await?)
}

#[utoipa::path(get, path = "/api/v1/portal/quotes/{id}", tag = "portal",
    params(("id" = uuid::Uuid, Path, description = "quote id")),
    responses((status = 200, body = QuoteView), (status = 403), (status = 404)))]
pub async fn view(
    State(state): State<AppState>,
    session: Caller,
    Path(quote): Path<QuoteId>,
) -> Result<Json<QuoteView>, ApiError> {
    found(queries::quotes::get(&state.read, session.scope(), quote, state.clock.now()).await?)
}

#[utoipa::path(put, path = "/api/v1/portal/quotes/{id}/lines/{line_id}", tag = "portal",
    params(("id" = uuid::Uuid, Path, description = "quote id"),
           ("line_id" = uuid::Uuid, Path, description = "line id")),
    request_body = Selection,
    responses((status = 200, body = Toggled), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn toggle(
    State(state): State<AppState>,
    session: Caller,
    Path((quote, line)): Path<(QuoteId, LineId)>,
    Json(body): Json<Selection>,
) -> Result<Json<Toggled>, ApiError> {
    let command = QuoteCommand::ToggleLine {
        team: session.team,
        by: session.portal,
        line,
        selected: body.selected,
        time_zone: session.schedule.zone(),
    };
    let executed = session.execute::<Quote>(&state, quote.0, command).await?;
    Ok(Json(Toggled {
        totals: executed.state.totals(),
        position: executed.position,
    }))
}

#[utoipa::path(post, path = "/api/v1/portal/quotes/{id}/lines/{line_id}/comments", tag = "portal",
    params(("id" = uuid::Uuid, Path, description = "quote id"),
           ("line_id" = uuid::Uuid, Path, description = "line id")),
    request_body = CommentBody,
    responses((status = 201, body = Positioned), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn comment(
    State(state): State<AppState>,
    session: Caller,
    Path((quote, line)): Path<(QuoteId, LineId)>,
    Json(body): Json<CommentBody>,
) -> Result<(StatusCode, Json<Positioned>), ApiError> {
    let command = QuoteCommand::Comment {
        team: session.team,
        by: By::Client(session.portal),
        comment: CommentId::new(),
        line,
        text: body.text,
    };
    let executed = session.execute::<Quote>(&state, quote.0, command).await?;
    Ok((StatusCode::CREATED, Positioned::at(executed.position)))
}

#[utoipa::path(post, path = "/api/v1/portal/quotes/{id}/accept", tag = "portal",
    params(("id" = uuid::Uuid, Path, description = "quote id")),
    request_body = AcceptBody,
    responses((status = 200, body = Accepted), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn accept(
    State(state): State<AppState>,
    session: Caller,
    Path(quote): Path<QuoteId>,
    Json(body): Json<AcceptBody>,
) -> Result<Json<Accepted>, ApiError> {
    let ip: IpAddr = session
        .requester
        .ip
        .as_deref()
        .and_then(|ip| ip.parse().ok())
        .ok_or_else(|| ApiError::internal("the request carries no client address"))?;
    let acceptance = Acceptance {
        team: session.team,
        by: session.portal,
        session: session.session,
        name: body.name,
        signature_png: signature_png(&body.signature)?,
        ip,
        user_agent: session.requester.user_agent.clone().unwrap_or_default(),
        revision: Some(body.revision),
        time_zone: session.schedule.zone(),
        login_email: sessions::login_email(state.records.reads(), session.session).await?,
        login_invite: origin::invites_used(&state.service, session.client.0)
            .await?
            .pop()
            .map(|used| used.invite),
    };
    let executed = session
        .execute::<Quote>(&state, quote.0, QuoteCommand::Accept(Box::new(acceptance)))
        .await?;
    let accepted_at = executed
        .state
        .acceptance
        .as_ref()
        .map(|a| a.at.to_string())
        .ok_or_else(|| ApiError::internal("an accepted quote shows no acceptance"))?;
    Ok(Json(Accepted {
        accepted_at,
        position: executed.position,
    }))
}

/// The PNG bytes of a `data:image/png;base64,...` URL; anything else is
/// refused as not a PNG (422). The domain checks the bytes themselves.
fn signature_png(data_url: &str) -> Result<Vec<u8>, ApiError> {
    let not_png = || ApiError::refused(&QuoteError::SignatureNotPng);
    let (header, payload) = data_url.trim().split_once(',').ok_or_else(not_png)?;
    if !header.eq_ignore_ascii_case("data:image/png;base64") {
        return Err(not_png());
    }
    base64::engine::general_purpose::STANDARD
        .decode(payload.trim())
        .map_err(|_| not_png())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_must_be_a_base64_png_data_url() {
        assert_eq!(
            signature_png("data:image/png;base64,iVBO").ok(),
            Some(vec![0x89, 0x50, 0x4e])
        );
        for refused in [
            "data:image/jpeg;base64,iVBO",
            "iVBO",
            "data:image/png;base64,!!",
        ] {
            let e = signature_png(refused).expect_err("refused");
            assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
    }
}
