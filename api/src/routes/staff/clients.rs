//! Clients and their portal access (docs/product.md §3), staff side.

use crate::app::AppState;
use crate::http::{ApiError, Json, Path, SendsCommands, StaffSession, found};
use crate::identity::{Principal, login_index};
use crate::routes::bodies::{Positioned, positioned};
use crate::routes::responses::{NoSuchClient, StaffOnly};
use axum::extract::State;
use axum::http::StatusCode;
use cma_domain::access::Sections;
use cma_domain::client::{Client, ClientCommand};
use cma_domain::credentials::{
    Credentials, CredentialsCommand, TokenPurpose, link_token, token_sha256,
};
use cma_domain::ids::ClientId;
use cma_projections::queries::clients::{self, ClientList, ClientRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_client, list_clients))
        .routes(routes!(get_client))
        .routes(routes!(add_email))
        .routes(routes!(invite))
        .routes(routes!(change_access))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewClient {
    pub name: String,
    pub emails: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientCreated {
    pub client_id: Uuid,
    pub position: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewEmail {
    pub email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InviteRequest {
    /// One of the client's saved addresses.
    pub email: String,
    pub sections: Sections,
}

/// "Save access": the master switch and/or the sections; no email is sent.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AccessChange {
    pub enabled: Option<bool>,
    pub sections: Option<Sections>,
}

/// Add a client to the team.
#[utoipa::path(post, path = "/api/v1/clients", tag = "clients",
    request_body = NewClient,
    responses(
        (status = 201, body = ClientCreated),
        (status = 400, description = "malformed request"),
        StaffOnly,
        (status = 422, description = "invalid name or email"),
    ))]
async fn create_client(
    State(state): State<AppState>,
    staff: StaffSession,
    Json(body): Json<NewClient>,
) -> Result<(StatusCode, Json<ClientCreated>), ApiError> {
    let client = ClientId::new();
    let executed = staff
        .execute::<Client>(
            &state,
            client.0,
            ClientCommand::Create {
                client,
                team: staff.team,
                by: staff.staff,
                name: body.name,
                emails: body.emails,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ClientCreated {
            client_id: client.0,
            position: executed.position,
        }),
    ))
}

/// The team's clients with their portal badge (read model).
#[utoipa::path(get, path = "/api/v1/clients", tag = "clients",
    responses(
        (status = 200, body = ClientList),
        StaffOnly,
    ))]
async fn list_clients(
    State(state): State<AppState>,
    staff: StaffSession,
) -> Result<Json<ClientList>, ApiError> {
    Ok(Json(clients::list(&state.read, staff.team).await?))
}

/// One client with their portal access (read model).
#[utoipa::path(get, path = "/api/v1/clients/{id}", tag = "clients",
    params(("id" = Uuid, Path, description = "client id")),
    responses(
        (status = 200, body = ClientRecord),
        StaffOnly,
        NoSuchClient,
    ))]
async fn get_client(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(client): Path<ClientId>,
) -> Result<Json<ClientRecord>, ApiError> {
    found(clients::get(&state.read, staff.team, client).await?)
}

/// Save another email address for a client.
#[utoipa::path(post, path = "/api/v1/clients/{id}/emails", tag = "clients",
    params(("id" = Uuid, Path, description = "client id")),
    request_body = NewEmail,
    responses(
        (status = 200, body = Positioned),
        StaffOnly,
        NoSuchClient,
        (status = 422, description = "invalid email or too many"),
    ))]
async fn add_email(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(client): Path<ClientId>,
    Json(body): Json<NewEmail>,
) -> Result<Json<Positioned>, ApiError> {
    let command = ClientCommand::AddEmail {
        team: staff.team,
        by: staff.staff,
        email: body.email,
    };
    positioned::<Client>(&state, &staff, client.0, command).await
}

/// Invite (or re-invite) a client to the portal: records the invite and
/// issues a fresh single-use link, which the worker emails.
#[utoipa::path(post, path = "/api/v1/clients/{id}/portal/invite", tag = "clients",
    params(("id" = Uuid, Path, description = "client id")),
    request_body = InviteRequest,
    responses(
        (status = 200, body = Positioned),
        StaffOnly,
        NoSuchClient,
        (status = 422, description = "the client has no saved email, or `email` is not one of them"),
    ))]
async fn invite(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(client): Path<ClientId>,
    Json(body): Json<InviteRequest>,
) -> Result<Json<Positioned>, ApiError> {
    let ctx = staff.context(&state);
    let invited = state
        .service
        .execute::<Client>(
            client.0,
            &ctx,
            ClientCommand::Invite {
                team: staff.team,
                by: staff.staff,
                email: body.email,
                sections: body.sections,
            },
        )
        .await?;
    let Some(invite) = invited.state.invite.clone() else {
        return Err(ApiError::internal("an invited client has no invite"));
    };
    let expires_at = ctx.now.plus_seconds(state.config.invite_link_seconds());
    let token = link_token(
        &state.secret_key,
        TokenPurpose::Invite,
        client.0,
        expires_at,
    );
    let issued = state
        .service
        .execute::<Credentials>(
            client.0,
            &ctx,
            CredentialsCommand::IssueInvite {
                client,
                email: invite.email.clone(),
                token_sha256: token_sha256(&token),
                expires_at: Some(expires_at),
                by: staff.staff,
            },
        )
        .await?;
    login_index::record(
        &state.records,
        Principal::Client {
            client,
            team: staff.team,
        },
        &invite.email,
    )
    .await?;
    Ok(Positioned::at(issued.position))
}

/// Save portal access: the master switch and the section toggles. Turning
/// the portal off ends every session of the client at once.
#[utoipa::path(put, path = "/api/v1/clients/{id}/portal/access", tag = "clients",
    params(("id" = Uuid, Path, description = "client id")),
    request_body = AccessChange,
    responses(
        (status = 200, body = Positioned),
        StaffOnly,
        NoSuchClient,
    ))]
async fn change_access(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(client): Path<ClientId>,
    Json(body): Json<AccessChange>,
) -> Result<Json<Positioned>, ApiError> {
    let executed = staff
        .execute::<Client>(
            &state,
            client.0,
            ClientCommand::ChangeAccess {
                team: staff.team,
                by: staff.staff,
                enabled: body.enabled,
                sections: body.sections,
            },
        )
        .await?;
    if !executed.state.enabled {
        state
            .sessions
            .revoke_client(client, state.clock.now())
            .await?;
    }
    Ok(Positioned::at(executed.position))
}
