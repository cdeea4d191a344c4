//! Who is calling: the extractors every route uses for authentication and scope.

use crate::app::AppState;
use crate::http::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use cma_domain::access::ClientPortal;
use cma_domain::ids::{ClientId, SessionId, StaffId, TeamId};
use cma_store::{Actor, CommandContext, Metadata};

/// A logged-in staff member. Staff routes take this; a client session gets 403.
#[derive(Clone, Debug)]
pub struct StaffSession {
    pub session: SessionId,
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
    pub requester: Requester,
}

/// Where a request comes from: the client IP (the socket address, or the
/// forwarded address only from a configured trusted proxy) and user agent.
#[derive(Clone, Debug, Default)]
pub struct Requester {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl StaffSession {
    /// The context a command from this staff member is decided in.
    pub fn context(&self, state: &AppState) -> CommandContext {
        self.requester.context(Actor::Staff(self.staff.0), state)
    }
}

impl ClientSession {
    pub fn context(&self, state: &AppState) -> CommandContext {
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
        }
    }
}

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = ApiError;

    async fn from_request_parts(_parts: &mut Parts, _state: &AppState) -> Result<Self, ApiError> {
        Err(ApiError::unauthorized())
    }
}

impl FromRequestParts<AppState> for ClientSession {
    type Rejection = ApiError;

    async fn from_request_parts(_parts: &mut Parts, _state: &AppState) -> Result<Self, ApiError> {
        Err(ApiError::unauthorized())
    }
}
