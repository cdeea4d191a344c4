//! Who is calling: the extractors every route uses for authentication and scope.

use crate::app::AppState;
use crate::http::ApiError;
use crate::http::cookies;
use crate::http::requester::requester;
use crate::identity::Principal;
use crate::identity::sessions::Session;
use crate::identity::tokens::csrf_token;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use cma_domain::Aggregate;
use cma_domain::access::ClientPortal;
use cma_domain::client::Client;
use cma_domain::ids::{ClientId, SessionId, StaffId, TeamId};
use cma_domain::schedule::Schedule;
use cma_domain::sha256::digests_equal;
use cma_domain::team::Team;
use cma_store::{Actor, CommandContext, DerivedIds, Executed, Metadata, ServiceError};
use uuid::Uuid;

/// A logged-in staff member. Staff routes take this; a client session gets 403.
#[derive(Clone, Debug)]
pub struct StaffSession {
    pub staff: StaffId,
    pub team: TeamId,
    pub requester: Requester,
}

/// A logged-in client with their portal's current access. Portal routes take
/// this; a staff session gets 403; a suspended portal's sessions are revoked (401).
#[derive(Clone, Debug)]
pub struct ClientSession {
    pub session: SessionId,
    pub client: ClientId,
    pub team: TeamId,
    pub portal: ClientPortal,
    /// The team's schedule (time zone, working hours, slot length) as the
    /// write side holds it, read with the client's stream: commands are
    /// decided against the hours and zone in force at this moment.
    pub schedule: Schedule,
    pub requester: Requester,
}

/// Where a request comes from: the client IP (the socket address, or the
/// forwarded address only from a configured trusted proxy) and user agent.
#[derive(Clone, Debug, Default)]
pub struct Requester {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The ids of the events a request with an `Idempotency-Key` appends.
    pub event_ids: Option<DerivedIds>,
}

/// A logged-in caller whose commands a route sends: staff or a client.
pub trait SendsCommands: Sync {
    /// The context a command from this caller is decided in.
    fn context(&self, state: &AppState) -> CommandContext;

    /// Runs `command` on `A`'s stream `id` for this caller, through the
    /// command runner (load, decide, append).
    async fn execute<A: Aggregate>(
        &self,
        state: &AppState,
        id: Uuid,
        command: A::Command,
    ) -> Result<Executed<A>, ServiceError<A::Error>>
    where
        A::Command: Clone,
    {
        let ctx = self.context(state);
        state.service.execute::<A>(id, &ctx, command).await
    }
}

impl SendsCommands for StaffSession {
    fn context(&self, state: &AppState) -> CommandContext {
        self.requester.context(Actor::Staff(self.staff.0), state)
    }
}

impl SendsCommands for ClientSession {
    fn context(&self, state: &AppState) -> CommandContext {
        self.requester.context(Actor::Client(self.client.0), state)
    }
}

impl Requester {
    pub fn context(&self, actor: Actor, state: &AppState) -> CommandContext {
        CommandContext {
            actor,
            metadata: Metadata {
                correlation_id: uuid::Uuid::new_v4(),
                causation_id: None,
                ip: self.ip.clone(),
                user_agent: self.user_agent.clone(),
            },
            now: state.clock.now(),
            event_ids: self.event_ids.clone(),
        }
    }
}

/// Any logged-in caller, with the token their session was found by (logout).
#[derive(Clone, Debug)]
pub struct LoggedIn {
    pub session: Session,
    pub token: String,
}

/// How a request presents its session token.
enum Presented {
    Bearer(String),
    Cookie(String),
}

/// The session a request presents: `Authorization: Bearer` first, else the
/// `cma_session` cookie. 401 when there is none or it is revoked or expired;
/// a cookie-authenticated unsafe request without the matching
/// `X-CSRF-Token` header answers 403. The session found is kept in the
/// request's extensions, so the layers and the route that each ask for it
/// look it up once.
async fn authenticate(parts: &mut Parts, state: &AppState) -> Result<LoggedIn, ApiError> {
    if let Some(logged_in) = parts.extensions.get::<LoggedIn>() {
        return Ok(logged_in.clone());
    }
    let presented = presented(parts, state.config.is_https()).ok_or_else(ApiError::unauthorized)?;
    let token = match &presented {
        Presented::Bearer(t) | Presented::Cookie(t) => t.clone(),
    };
    let session = state
        .sessions
        .find(&token, state.clock.now())
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    if matches!(presented, Presented::Cookie(_)) && !parts.method.is_safe() {
        let sent = parts
            .headers
            .get(cookies::CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !digests_equal(sent, &csrf_token(&token)) {
            return Err(ApiError::new(
                crate::http::problem_types::CSRF,
                "send the cma_csrf cookie's value in the X-CSRF-Token header",
            ));
        }
    }
    let logged_in = LoggedIn { session, token };
    parts.extensions.insert(logged_in.clone());
    Ok(logged_in)
}

/// The bearer token, else the session cookie (over https only the
/// `__Host-` one, which no other origin can have set).
fn presented(parts: &Parts, secure: bool) -> Option<Presented> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_owned())
        })
        .filter(|t| !t.is_empty());
    match bearer {
        Some(token) => Some(Presented::Bearer(token)),
        None => cookies::get(&parts.headers, cookies::session_name(secure))
            .filter(|t| !t.is_empty())
            .map(Presented::Cookie),
    }
}

fn wrong_role(detail: &str) -> ApiError {
    ApiError::new(crate::http::problem_types::WRONG_ROLE, detail)
}

impl FromRequestParts<AppState> for LoggedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        authenticate(parts, state).await
    }
}

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let LoggedIn { session, .. } = authenticate(parts, state).await?;
        match session.principal {
            Principal::Staff { staff, team } => Ok(StaffSession {
                staff,
                team,
                requester: requester(parts, &state.config),
            }),
            Principal::Client { .. } => Err(wrong_role("this is for staff; log in as staff")),
        }
    }
}

impl FromRequestParts<AppState> for ClientSession {
    type Rejection = ApiError;

    /// Reads the client's stream (the write side), so a portal suspended a
    /// moment ago is refused at once; such a session is revoked for good.
    /// The team's stream is read with it, in one read of the log.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let LoggedIn { session, token } = authenticate(parts, state).await?;
        let Principal::Client { client, team } = session.principal else {
            return Err(wrong_role("this is the client portal; log in as a client"));
        };
        let (record, business) = state
            .service
            .load_two::<Client, Team>(client.0, team.0)
            .await?;
        let (record, business) = (record.state, business.state);
        match record.portal() {
            Some(portal) if portal.enabled && record.team == team => Ok(ClientSession {
                session: session.id,
                client,
                team,
                portal,
                schedule: business.schedule.clone(),
                requester: requester(parts, &state.config),
            }),
            _ => {
                state.sessions.revoke(&token, state.clock.now()).await?;
                Err(ApiError::unauthorized())
            }
        }
    }
}
