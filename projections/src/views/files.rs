//! Each client's files (Project Files & Inspiration), with what a download needs.

use crate::bulk::Table;
use crate::convert::{author, id, micros};
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, decode};
use crate::tx::Row;
use crate::tx::Tx;
use async_trait::async_trait;
use cma_domain::file::{FileEvent, StoredFile};
use cma_store::Recorded;
use std::collections::HashMap;

pub struct FilesView;

const FILE_COLUMNS: &[&str] = &[
    "file_id",
    "client_id",
    "name",
    "content_type",
    "size",
    "sha256",
    "storage_key",
    "uploaded_by",
    "uploader_id",
    "uploaded_at",
];

#[async_trait]
impl Projector for FilesView {
    fn name(&self) -> &'static str {
        "files"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["files"]
    }

    async fn apply(
        &self,
        tx: &mut dyn Tx,
        tables: &TableNames,
        events: &[Recorded],
    ) -> Result<(), ProjectionError> {
        // A file's row as the batch leaves it: `None` once removed.
        let mut files: HashMap<String, Option<Row>> = HashMap::new();
        for recorded in events {
            let Some(event) = decode::<StoredFile>(recorded)? else {
                continue;
            };
            match event {
                FileEvent::Uploaded(e) => {
                    let (by, uploader) = author(e.by);
                    let size = i64::try_from(e.size).unwrap_or(i64::MAX);
                    let row = vec![
                        id(e.file.0).into(),
                        id(e.client.0).into(),
                        e.name.into(),
                        e.content_type.into(),
                        size.into(),
                        e.sha256.into(),
                        e.storage_key.into(),
                        by.into(),
                        uploader.into(),
                        micros(recorded.event.recorded_at).into(),
                    ];
                    files.insert(id(e.file.0), Some(row));
                }
                FileEvent::Removed(e) => {
                    files.insert(id(e.file.0), None);
                }
            }
        }
        let name = tables.of("files");
        let table = Table {
            name: &name,
            columns: FILE_COLUMNS,
            key: 1,
        };
        let removed = files
            .iter()
            .filter(|(_, row)| row.is_none())
            .map(|(id, _)| id.clone())
            .collect();
        table.delete_where_in(tx, "file_id", removed).await?;
        table
            .upsert(tx, files.into_values().flatten().collect())
            .await
    }
}
