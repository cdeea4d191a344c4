//! Who a login or a session belongs to.

use cma_domain::ids::{ClientId, StaffId, TeamId};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Principal {
    Staff { staff: StaffId, team: TeamId },
    Client { client: ClientId, team: TeamId },
}

/// The two kinds of login, as stored (`staff`, `client`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Staff,
    Client,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Staff => "staff",
            Kind::Client => "client",
        }
    }
}

impl Principal {
    pub fn kind(&self) -> Kind {
        match self {
            Principal::Staff { .. } => Kind::Staff,
            Principal::Client { .. } => Kind::Client,
        }
    }

    /// The principal's id, which is also the id of its credentials stream.
    pub fn id(&self) -> Uuid {
        match self {
            Principal::Staff { staff, .. } => staff.0,
            Principal::Client { client, .. } => client.0,
        }
    }

    pub fn team(&self) -> TeamId {
        match self {
            Principal::Staff { team, .. } | Principal::Client { team, .. } => *team,
        }
    }

    /// The client, for a client's principal.
    pub fn client(&self) -> Option<ClientId> {
        match self {
            Principal::Client { client, .. } => Some(*client),
            Principal::Staff { .. } => None,
        }
    }

    /// Rebuilds a principal from its stored columns.
    pub fn from_columns(kind: &str, id: &str, team: &str) -> Option<Self> {
        let id = Uuid::try_parse(id).ok()?;
        let team = TeamId(Uuid::try_parse(team).ok()?);
        match kind {
            "staff" => Some(Principal::Staff {
                staff: StaffId(id),
                team,
            }),
            "client" => Some(Principal::Client {
                client: ClientId(id),
                team,
            }),
            _ => None,
        }
    }
}
