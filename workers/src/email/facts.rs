//! The facts emails need, loaded from the write side (each stream folded to
//! its current state), so an email never waits for a read model.

use cma_domain::Aggregate;
use cma_domain::client::Client;
use cma_domain::ids::{ClientId, TeamId};
use cma_domain::team::Team;
use cma_projections::ProjectionError;
use cma_store::{Position, Service, ServiceError, Version};
use uuid::Uuid;

pub struct Facts<'a> {
    pub service: &'a Service,
    /// The event being emailed about (for error reports).
    pub position: Position,
}

impl Facts<'_> {
    /// The current state of stream `id`.
    pub async fn load<A: Aggregate>(&self, id: Uuid) -> Result<A, ProjectionError> {
        match self.service.load::<A>(id).await {
            Ok(loaded) => Ok(loaded.state),
            Err(ServiceError::Store(e)) => Err(e.into()),
            Err(ServiceError::Decode(source)) => Err(ProjectionError::Decode {
                position: self.position,
                source,
            }),
            Err(other) => Err(ProjectionError::Corrupt(other.to_string())),
        }
    }

    /// The state of stream `id` as its event `version` found it: the events
    /// before that one folded.
    pub async fn load_before<A: Aggregate>(
        &self,
        id: Uuid,
        version: Version,
    ) -> Result<A, ProjectionError> {
        let recorded = self
            .service
            .store()
            .read_stream(&Service::stream::<A>(id))
            .await?;
        recorded
            .iter()
            .take_while(|r| r.version < version)
            .try_fold(A::default(), |state, r| {
                let event = r
                    .decode::<A::Event>()
                    .map_err(|source| ProjectionError::Decode {
                        position: self.position,
                        source,
                    })?;
                Ok(state.evolve(&event))
            })
    }

    /// The team, if it exists.
    pub async fn team(&self, id: TeamId) -> Result<Option<Team>, ProjectionError> {
        Ok(Some(self.load::<Team>(id.0).await?).filter(|t| t.exists))
    }

    /// The client and their team, if both exist.
    pub async fn client(&self, id: ClientId) -> Result<Option<(Client, Team)>, ProjectionError> {
        let client = self.load::<Client>(id.0).await?;
        if !client.exists {
            return Ok(None);
        }
        Ok(self.team(client.team).await?.map(|team| (client, team)))
    }
}

/// Where a client gets email: their portal login address, else their first saved one.
pub fn client_address(client: &Client) -> Option<&str> {
    client
        .invite
        .as_ref()
        .map(|i| i.email.as_str())
        .or_else(|| client.emails.first().map(String::as_str))
}
