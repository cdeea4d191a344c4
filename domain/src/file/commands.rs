//! What can be asked of a file.

use crate::access::By;
use crate::ids::{ClientId, FileId, StaffId};

#[derive(Debug, Clone, PartialEq)]
pub enum FileCommand {
    /// Record an upload whose bytes the API has stored and inspected.
    Upload {
        file: FileId,
        client: ClientId,
        by: By,
        /// The name as sent; it is sanitised here.
        name: String,
        /// The type sniffed from the bytes.
        content_type: String,
        size: u64,
        /// The configured upload limit in bytes.
        max_size: u64,
        sha256: String,
        storage_key: String,
    },
    /// Staff remove the file.
    Remove { staff: StaffId },
}
