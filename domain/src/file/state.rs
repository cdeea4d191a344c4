//! A file as folded from its events.

use super::commands::FileCommand;
use super::errors::FileError;
use super::events::{FileEvent, FileUploaded};
use crate::aggregate::Aggregate;
use crate::time::Timestamp;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoredFile {
    /// The upload; `None` for a file that does not exist.
    pub uploaded: Option<FileUploaded>,
    pub removed: bool,
}

impl StoredFile {
    /// Uploaded and not removed.
    pub fn is_present(&self) -> bool {
        self.uploaded.is_some() && !self.removed
    }
}

impl Aggregate for StoredFile {
    const CATEGORY: &'static str = "file";
    type Command = FileCommand;
    type Event = FileEvent;
    type Error = FileError;

    fn decide(&self, command: FileCommand, _now: Timestamp) -> Result<Vec<FileEvent>, FileError> {
        super::decide::decide(self, command)
    }

    fn evolve(mut self, event: &FileEvent) -> Self {
        match event {
            FileEvent::Uploaded(e) => self.uploaded = Some(e.clone()),
            FileEvent::Removed(_) => self.removed = true,
        }
        self
    }
}
