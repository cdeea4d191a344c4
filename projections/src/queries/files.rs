//! `GET /clients/{id}/files`, `GET /portal/files` and what a download needs.

use super::{Scope, client_in_scope};
use crate::convert::{parse_id, rfc3339};
use crate::db::ReadDb;
use crate::error::ProjectionError;
use cma_domain::ids::{ClientId, FileId};
use serde::Serialize;
use utoipa::ToSchema;

/// `GET /clients/{id}/files`, `GET /portal/files`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FileList {
    pub files: Vec<FileEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FileEntry {
    #[schema(format = Uuid)]
    pub file_id: String,
    pub name: String,
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// `client` or `staff`.
    pub uploaded_by: String,
    #[schema(format = DateTime)]
    pub uploaded_at: String,
}

/// Where a file's bytes are and how to serve them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FileContent {
    pub file_id: String,
    pub client_id: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub storage_key: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    file_id: String,
    name: String,
    content_type: String,
    size: i64,
    uploaded_by: String,
    uploaded_at: i64,
}

/// The client's files, oldest first; `None` for a client out of scope.
pub async fn list(
    db: &ReadDb,
    scope: Scope,
    client: ClientId,
) -> Result<Option<FileList>, ProjectionError> {
    if !client_in_scope(db, scope, client).await? {
        return Ok(None);
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT file_id, name, content_type, size, uploaded_by, uploaded_at FROM files \
         WHERE client_id = $1 ORDER BY uploaded_at, file_id",
    )
    .bind(client.to_string())
    .fetch_all(db.pool())
    .await?;
    let files = rows
        .into_iter()
        .map(|r| {
            Ok(FileEntry {
                uploaded_at: rfc3339(r.uploaded_at)?,
                file_id: r.file_id,
                name: r.name,
                content_type: r.content_type,
                size: r.size,
                uploaded_by: r.uploaded_by,
            })
        })
        .collect::<Result<_, ProjectionError>>()?;
    Ok(Some(FileList { files }))
}

/// A file of a client in scope, for download.
pub async fn content(
    db: &ReadDb,
    scope: Scope,
    file: FileId,
) -> Result<Option<FileContent>, ProjectionError> {
    let row: Option<FileContent> = sqlx::query_as(
        "SELECT file_id, client_id, name, content_type, size, sha256, storage_key FROM files \
         WHERE file_id = $1",
    )
    .bind(file.to_string())
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let client: ClientId = parse_id(&row.client_id)?;
    Ok(client_in_scope(db, scope, client).await?.then_some(row))
}
