//! Facts recorded in a file stream.

use crate::access::Author;
use crate::event_enum;
use crate::ids::{ClientId, FileId, StaffId};
use serde::{Deserialize, Serialize};

/// A file was uploaded to a client's record, by the client or by staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileUploaded {
    pub file: FileId,
    pub client: ClientId,
    pub by: Author,
    /// The sanitised file name, for display and downloads.
    pub name: String,
    /// The MIME type sniffed from the bytes, lower case, without parameters.
    pub content_type: String,
    /// Bytes.
    pub size: u64,
    /// SHA-256 of the bytes, 64 lower-case hex digits.
    pub sha256: String,
    /// Where the API keeps the bytes.
    pub storage_key: String,
}

/// Staff removed a file from the client's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRemoved {
    pub file: FileId,
    pub by: StaffId,
}

event_enum! {
    /// Events of a file stream.
    pub enum FileEvent {
        Uploaded(FileUploaded) = "FileUploaded" v 1,
        Removed(FileRemoved) = "FileRemoved" v 1,
    }
}
