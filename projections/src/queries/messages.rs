//! `GET /clients/{id}/messages`, `GET /portal/messages` and the staff inbox.

use super::{Scope, client_in_scope};
use crate::convert::rfc3339;
use crate::db::ReadDb;
use crate::error::ProjectionError;
use cma_domain::ids::{ClientId, TeamId};
use serde::Serialize;
use utoipa::ToSchema;

/// `GET /clients/{id}/messages`, `GET /portal/messages`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct MessageList {
    pub messages: Vec<Message>,
    /// Messages of the other side that the reader's side has not marked read
    /// (`POST .../messages/read`).
    pub unread: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Message {
    #[schema(format = Uuid)]
    pub message_id: String,
    /// `client` or `staff`.
    pub author: String,
    pub text: String,
    #[schema(format = DateTime)]
    pub at: String,
}

/// `GET /inbox`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Inbox {
    pub threads: Vec<Thread>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Thread {
    #[schema(format = Uuid)]
    pub client_id: String,
    pub client_name: String,
    #[schema(format = DateTime)]
    pub last_message_at: String,
    /// Client messages the staff side has not read.
    pub unread: i64,
}

/// The client's thread, oldest first; `None` for a client out of scope.
pub async fn list(
    db: &ReadDb,
    scope: Scope,
    client: ClientId,
) -> Result<Option<MessageList>, ProjectionError> {
    if !client_in_scope(db, scope, client).await? {
        return Ok(None);
    }
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT message_id, author, text, at FROM messages WHERE client_id = $1 ORDER BY seq",
    )
    .bind(client.to_string())
    .fetch_all(db.pool())
    .await?;
    let messages = rows
        .into_iter()
        .map(|(message_id, author, text, at)| {
            Ok(Message {
                message_id,
                author,
                text,
                at: rfc3339(at)?,
            })
        })
        .collect::<Result<_, ProjectionError>>()?;
    Ok(Some(MessageList {
        messages,
        unread: unread(db, scope, client).await?,
    }))
}

/// Messages of the other side that the reader's side has not read.
async fn unread(db: &ReadDb, scope: Scope, client: ClientId) -> Result<i64, ProjectionError> {
    let column = match scope {
        Scope::Team(_) => "staff_unread",
        Scope::Client { .. } => "client_unread",
    };
    let n: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT {column} FROM message_threads WHERE client_id = $1"
    )))
    .bind(client.to_string())
    .fetch_optional(db.pool())
    .await?;
    Ok(n.unwrap_or(0))
}

/// Every thread of the team's clients that has a message, newest first.
pub async fn inbox(db: &ReadDb, team: TeamId) -> Result<Inbox, ProjectionError> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT t.client_id, c.name, t.last_message_at, t.staff_unread FROM message_threads t \
         JOIN clients c ON c.client_id = t.client_id \
         WHERE c.team_id = $1 AND t.last_message_at IS NOT NULL \
         ORDER BY t.last_message_at DESC, t.client_id",
    )
    .bind(team.to_string())
    .fetch_all(db.pool())
    .await?;
    let threads = rows
        .into_iter()
        .map(|(client_id, client_name, at, unread)| {
            Ok(Thread {
                client_id,
                client_name,
                last_message_at: rfc3339(at)?,
                unread,
            })
        })
        .collect::<Result<_, ProjectionError>>()?;
    Ok(Inbox { threads })
}
