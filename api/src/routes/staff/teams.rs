//! Signup: a new team and its owner's staff login.

use crate::app::AppState;
use crate::http::{ApiError, Json, Requester};
use crate::identity::rate_limit::{Action, Limiter, check_email_length};
use crate::identity::{Principal, login_index, passwords};
use axum::http::StatusCode;
use cma_domain::client::email;
use cma_domain::credentials::{Credentials, CredentialsCommand};
use cma_domain::ids::{StaffId, TeamId};
use cma_domain::team::{StaffMember, Team, TeamCommand};
use cma_store::Actor;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(signup))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SignupRequest {
    pub business_name: String,
    pub owner_name: String,
    pub owner_email: String,
    pub owner_password: String,
    /// IANA time zone name; `Europe/London` when left out.
    pub time_zone: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignupResponse {
    pub team_id: Uuid,
    pub staff_id: Uuid,
    pub position: u64,
}

/// Sign up a business: creates the team and its owner's staff login.
#[utoipa::path(post, path = "/api/v1/teams", tag = "teams", security(()),
    request_body = SignupRequest,
    responses(
        (status = 201, body = SignupResponse),
        (status = 400, description = "malformed request"),
        (status = 409, description = "a staff login with this email exists"),
        (status = 429, description = "too many signups for this email or from this address"),
        (status = 415, description = "not JSON"),
        (status = 422, description = "invalid name, email, time zone or too short a password"),
    ))]
async fn signup(
    axum::extract::State(state): axum::extract::State<AppState>,
    requester: Requester,
    Json(body): Json<SignupRequest>,
) -> Result<(StatusCode, Json<SignupResponse>), ApiError> {
    passwords::check_policy(&body.owner_password)?;
    check_email_length(&body.owner_email)?;
    let owner_email = email::normalise(&body.owner_email).map_err(|e| ApiError::refused(&e))?;
    // Counted like a login: at most 10 signups per address and 100 per IP
    // address in 15 minutes, which bounds what the 409 below tells.
    Limiter::new(Action::Signup, &owner_email, requester.ip.as_deref())
        .reserve(&state.records, state.clock.now())
        .await?;
    let (team, staff) = (TeamId::new(), StaffId::new());
    let owner = Principal::Staff { staff, team };
    if !claim(&state, owner, &owner_email).await? {
        return Err(ApiError::new(
            crate::http::problem_types::EMAIL_TAKEN,
            "a staff login with this email already exists",
        ));
    }
    let created = create(&state, &requester, body, team, staff, &owner_email).await;
    if created.is_err() {
        // The address is free again; a failure to free it leaves it
        // claimed, which the original error still explains (and a later
        // signup takes the claim over once it is stale).
        let _ = login_index::unclaim(state.records.writes(), owner).await;
    }
    let registered = created?;
    // The login is complete; should this fail, the credentials recorded
    // above still keep the claim from being taken over.
    let _ = login_index::confirm(state.records.writes(), owner).await;
    Ok((
        StatusCode::CREATED,
        Json(SignupResponse {
            team_id: team.0,
            staff_id: staff.0,
            position: registered,
        }),
    ))
}

/// Claims `email` for `owner`: false when a staff login or a signup in
/// progress holds it. A claim left by a signup that never finished (older
/// than [`login_index::ABANDONED_AFTER_SECONDS`], its staff member without
/// credentials in the event store) is taken over; of concurrent signups
/// doing so, the database's unique index lets one through.
async fn claim(state: &AppState, owner: Principal, email: &str) -> Result<bool, ApiError> {
    let pool = state.records.writes();
    let stale = match login_index::claim_staff(pool, owner, email, state.clock.now()).await? {
        login_index::Claim::Mine => return Ok(true),
        login_index::Claim::Taken => return Ok(false),
        login_index::Claim::Stale(stale) => stale,
    };
    let recorded = state
        .service
        .load::<Credentials>(stale.staff.id())
        .await?
        .version;
    if recorded != 0 {
        // Its signup did record the login; only the mark was not cleared.
        let _ = login_index::confirm(pool, stale.staff).await;
        return Ok(false);
    }
    // Whoever removed it or not, claim again: the unique index decides.
    login_index::take_over(pool, &stale).await?;
    Ok(matches!(
        login_index::claim_staff(pool, owner, email, state.clock.now()).await?,
        login_index::Claim::Mine
    ))
}

/// Records the team and its owner's credentials for a claimed address;
/// the position of the credentials.
async fn create(
    state: &AppState,
    requester: &Requester,
    body: SignupRequest,
    team: TeamId,
    staff: StaffId,
    owner_email: &str,
) -> Result<u64, ApiError> {
    let password_hash = passwords::hash(body.owner_password).await?;
    let ctx = requester.context(Actor::Staff(staff.0), state);
    state
        .service
        .execute::<Team>(
            team.0,
            &ctx,
            TeamCommand::Create {
                team,
                business_name: body.business_name,
                owner: StaffMember {
                    staff,
                    name: body.owner_name,
                    email: owner_email.to_owned(),
                },
                time_zone: body.time_zone.unwrap_or_else(|| "Europe/London".to_owned()),
            },
        )
        .await?;
    let registered = state
        .service
        .execute::<Credentials>(
            staff.0,
            &ctx,
            CredentialsCommand::RegisterStaff {
                staff,
                team,
                email: owner_email.to_owned(),
                password_hash,
            },
        )
        .await?;
    Ok(registered.position)
}
