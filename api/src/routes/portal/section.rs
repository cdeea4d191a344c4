//! The caller of a portal section's routes: a logged-in client whose portal
//! has that section on. Each section's router names its section once
//! (`type Caller = InSection<Quotes>;`), and every handler taking the
//! caller is refused (403) before it runs when the section is off.

use crate::app::AppState;
use crate::http::{ApiError, ClientSession, SendsCommands};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use cma_domain::access::Section;
use cma_projections::queries::Scope;
use cma_store::CommandContext;
use std::marker::PhantomData;
use std::ops::Deref;

/// A portal section, as a type a router's caller names.
pub(super) trait PortalSection {
    const SECTION: Section;
}

macro_rules! sections {
    ($($name:ident),*) => {$(
        #[doc = concat!("The portal's `", stringify!($name), "` section.")]
        pub(super) struct $name;

        impl PortalSection for $name {
            const SECTION: Section = Section::$name;
        }
    )*};
}

sections!(Quotes, Invoices, Files, Messages, Meetings);

/// A client session whose portal has section `S` on.
pub(super) struct InSection<S> {
    session: ClientSession,
    section: PhantomData<S>,
}

impl<S> InSection<S> {
    /// What the client may read: their own records in their team.
    pub(super) fn scope(&self) -> Scope {
        Scope::Client {
            team: self.session.team,
            client: self.session.client,
        }
    }
}

impl<S: Sync> SendsCommands for InSection<S> {
    fn context(&self, state: &AppState) -> CommandContext {
        self.session.context(state)
    }
}

impl<S> Deref for InSection<S> {
    type Target = ClientSession;

    fn deref(&self) -> &ClientSession {
        &self.session
    }
}

impl<S: PortalSection> FromRequestParts<AppState> for InSection<S> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let session = ClientSession::from_request_parts(parts, state).await?;
        session
            .portal
            .require(S::SECTION)
            .map_err(|denied| ApiError::refused(&denied))?;
        Ok(Self {
            session,
            section: PhantomData,
        })
    }
}
