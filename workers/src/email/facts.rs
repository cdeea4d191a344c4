//! The facts emails need, loaded from the write side (each stream folded to
//! its current state), so an email never waits for a read model.

use cma_domain::Aggregate;
use cma_domain::client::Client;
use cma_domain::ids::{ClientId, TeamId};
use cma_domain::team::Team;
use cma_projections::ProjectionError;
use cma_store::{Position, Service, ServiceError, Version};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

pub struct Facts<'a> {
    pub service: &'a Service,
    /// The event being emailed about (for error reports).
    pub position: Position,
    /// What this event's batch has loaded already.
    pub batch: &'a BatchStates,
}

/// The states a batch of events has loaded, by stream. A follower works
/// out a whole batch within moments, and each load reads the stream's
/// current state, so one read of a stream serves every event of the batch
/// (a worker working through a long log reads each client and team once a
/// batch, not once an event).
#[derive(Default)]
pub struct BatchStates(Mutex<HashMap<(TypeId, Uuid), Arc<dyn Any + Send + Sync>>>);

impl BatchStates {
    fn get<A: Aggregate>(&self, id: Uuid) -> Option<A> {
        let kept = self.0.lock().ok()?.get(&(TypeId::of::<A>(), id))?.clone();
        kept.downcast::<A>().ok().map(Arc::unwrap_or_clone)
    }

    fn keep<A: Aggregate>(&self, id: Uuid, state: &A) {
        if let Ok(mut states) = self.0.lock() {
            states.insert((TypeId::of::<A>(), id), Arc::new(state.clone()));
        }
    }
}

impl Facts<'_> {
    /// The current state of stream `id`.
    pub async fn load<A: Aggregate>(&self, id: Uuid) -> Result<A, ProjectionError> {
        if let Some(state) = self.batch.get::<A>(id) {
            return Ok(state);
        }
        match self.service.load::<A>(id).await {
            Ok(loaded) => {
                self.batch.keep(id, &loaded.state);
                Ok(loaded.state)
            }
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
