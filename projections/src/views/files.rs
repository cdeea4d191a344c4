//! Each client's files (Project Files & Inspiration), with what a download needs.

use crate::convert::{author, id, micros};
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, decode};
use crate::table::{table, upsert_or_delete};
use crate::tx::Tx;
use async_trait::async_trait;
use cma_domain::file::{FileEvent, StoredFile};
use cma_store::Recorded;
use std::collections::HashMap;

pub struct FilesView;

table! {
    /// One uploaded file.
    struct FileRow in "files" key (file_id) {
        file_id: String,
        client_id: String,
        name: String,
        content_type: String,
        size: i64,
        sha256: String,
        storage_key: String,
        /// `client` or `staff`.
        uploaded_by: String,
        uploader_id: String,
        uploaded_at: i64,
    }
}

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
        let mut files: HashMap<String, Option<FileRow>> = HashMap::new();
        for recorded in events {
            let Some(event) = decode::<StoredFile>(recorded)? else {
                continue;
            };
            match event {
                FileEvent::Uploaded(e) => {
                    let (uploaded_by, uploader_id) = author(e.by);
                    let row = FileRow {
                        file_id: id(e.file.0),
                        client_id: id(e.client.0),
                        name: e.name,
                        content_type: e.content_type,
                        size: i64::try_from(e.size).unwrap_or(i64::MAX),
                        sha256: e.sha256,
                        storage_key: e.storage_key,
                        uploaded_by: uploaded_by.to_owned(),
                        uploader_id,
                        uploaded_at: micros(recorded.event.recorded_at),
                    };
                    files.insert(row.file_id.clone(), Some(row));
                }
                FileEvent::Removed(e) => {
                    files.insert(id(e.file.0), None);
                }
            }
        }
        upsert_or_delete(tx, tables, "file_id", files).await
    }
}
