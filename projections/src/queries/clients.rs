//! `GET /clients`, `GET /clients/{id}`, `GET /portal/me`.

use super::team::Branding;
use crate::convert::rfc3339;
use crate::db::ReadDb;
use crate::error::ProjectionError;
use crate::views::clients::SectionColumns;
use cma_domain::access::Sections;
use cma_domain::ids::{ClientId, TeamId};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// `GET /clients`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ClientList {
    pub clients: Vec<ClientSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ClientSummary {
    #[schema(format = Uuid)]
    pub client_id: String,
    pub name: String,
    pub emails: Vec<String>,
    pub portal: PortalBadge,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct PortalBadge {
    /// `not_invited`, `invited`, `active` or `suspended`.
    pub status: String,
}

/// `GET /clients/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ClientRecord {
    #[schema(format = Uuid)]
    pub client_id: String,
    pub name: String,
    pub emails: Vec<String>,
    pub portal: Portal,
}

/// The client's portal access.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Portal {
    /// `not_invited`, `invited`, `active` or `suspended`.
    pub status: String,
    /// The address the last invite went to (`null` before the first).
    #[schema(required = true)]
    pub invite_email: Option<String>,
    /// The master switch.
    pub enabled: bool,
    pub sections: Sections,
    /// When the last invite was sent (`null` before the first).
    #[schema(format = DateTime, required = true)]
    pub invited_at: Option<String>,
    /// Whether the client gets emails when something new waits in their
    /// portal; false once the client turned them off in the portal.
    pub notifications_email: bool,
}

/// `GET /portal/me`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Me {
    #[schema(format = Uuid)]
    pub client_id: String,
    pub name: String,
    pub business_name: String,
    /// The business's IANA time zone: dates and times are shown in it.
    #[schema(example = "Europe/London")]
    pub time_zone: String,
    pub branding: Branding,
    pub sections: Sections,
    pub notifications: Notifications,
}

/// The client's own choices about email.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Notifications {
    /// Email me when something new is waiting (quotes, invoices, files).
    pub email: bool,
}

#[derive(sqlx::FromRow)]
struct Row {
    client_id: String,
    name: String,
    status: String,
    invite_email: Option<String>,
    invited_at: Option<i64>,
    enabled: i64,
    notifications_email: i64,
    #[sqlx(flatten)]
    sections: SectionColumns,
}

const COLUMNS: &str = "c.client_id, c.name, c.status, c.invite_email, c.invited_at, c.enabled, \
     c.notifications_email, c.quotes, c.invoices, c.files, c.meetings, c.messages";

async fn emails(
    db: &ReadDb,
    team: TeamId,
    client: Option<ClientId>,
) -> Result<HashMap<String, Vec<String>>, ProjectionError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT e.client_id, e.email FROM client_emails e JOIN clients c ON c.client_id = e.client_id \
         WHERE c.team_id = $1 AND ($2 IS NULL OR c.client_id = $2) ORDER BY e.client_id, e.ord",
    )
    .bind(team.to_string())
    .bind(client.map(|c| c.to_string()))
    .fetch_all(db.pool())
    .await?;
    let mut by_client: HashMap<String, Vec<String>> = HashMap::new();
    for (client, email) in rows {
        by_client.entry(client).or_default().push(email);
    }
    Ok(by_client)
}

/// The team's clients, by name.
pub async fn list(db: &ReadDb, team: TeamId) -> Result<ClientList, ProjectionError> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM clients c WHERE c.team_id = $1 ORDER BY c.name, c.client_id"
    )))
    .bind(team.to_string())
    .fetch_all(db.pool())
    .await?;
    let mut emails = emails(db, team, None).await?;
    Ok(ClientList {
        clients: rows
            .into_iter()
            .map(|r| ClientSummary {
                emails: emails.remove(&r.client_id).unwrap_or_default(),
                client_id: r.client_id,
                name: r.name,
                portal: PortalBadge { status: r.status },
            })
            .collect(),
    })
}

async fn row(db: &ReadDb, team: TeamId, client: ClientId) -> Result<Option<Row>, ProjectionError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM clients c WHERE c.team_id = $1 AND c.client_id = $2"
    )))
    .bind(team.to_string())
    .bind(client.to_string())
    .fetch_optional(db.pool())
    .await?)
}

/// One client record of the team, with its portal access.
pub async fn get(
    db: &ReadDb,
    team: TeamId,
    client: ClientId,
) -> Result<Option<ClientRecord>, ProjectionError> {
    let Some(r) = row(db, team, client).await? else {
        return Ok(None);
    };
    let emails = emails(db, team, Some(client)).await?.remove(&r.client_id);
    Ok(Some(ClientRecord {
        portal: Portal {
            sections: r.sections.sections(),
            status: r.status,
            invite_email: r.invite_email,
            enabled: r.enabled != 0,
            invited_at: r.invited_at.map(rfc3339).transpose()?,
            notifications_email: r.notifications_email != 0,
        },
        client_id: r.client_id,
        name: r.name,
        emails: emails.unwrap_or_default(),
    }))
}

/// Where a client fetches their team's logo.
pub const PORTAL_LOGO_PATH: &str = "/api/v1/portal/logo";

/// What a logged-in client's portal shows about them and the business.
pub async fn me(
    db: &ReadDb,
    team: TeamId,
    client: ClientId,
) -> Result<Option<Me>, ProjectionError> {
    let Some(r) = row(db, team, client).await? else {
        return Ok(None);
    };
    let Some(settings) = super::team::settings(db, team).await? else {
        return Ok(None);
    };
    Ok(Some(Me {
        sections: r.sections.sections(),
        notifications: Notifications {
            email: r.notifications_email != 0,
        },
        client_id: r.client_id,
        name: r.name,
        business_name: settings.business_name,
        time_zone: settings.time_zone,
        branding: settings.branding.link_logo(PORTAL_LOGO_PATH),
    }))
}
