//! The file's decisions and the content checks they use.

use super::commands::FileCommand;
use super::errors::FileError;
use super::events::{FileEvent, FileRemoved, FileUploaded};
use super::names::sanitize_file_name;
use super::state::StoredFile;
use crate::access::{By, Section};

/// Sniffed MIME types accepted for upload.
pub const ALLOWED_CONTENT_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/heic",
    "image/heif",
    "application/pdf",
    "text/plain",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
];

/// Longest storage key the API may use.
const MAX_STORAGE_KEY_CHARS: usize = 200;

/// Whether a sniffed type is on the allow-list. Case and parameters
/// (`; charset=utf-8`) are ignored.
pub fn allowed_content_type(sniffed: &str) -> bool {
    ALLOWED_CONTENT_TYPES.contains(&essence(sniffed).as_str())
}

/// The type without parameters, trimmed and lower case.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Exactly 64 lower-case hex digits.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A key the API may store content under: short, plain characters, no `.`/`..` parts.
pub(crate) fn usable_storage_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_STORAGE_KEY_CHARS
        && key
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
}

pub fn decide(stored: &StoredFile, command: FileCommand) -> Result<Vec<FileEvent>, FileError> {
    match command {
        FileCommand::Upload {
            file,
            client,
            by,
            name,
            content_type,
            size,
            max_size,
            sha256,
            storage_key,
        } => {
            by.require(Section::Files)?;
            if let By::Client(portal) = by
                && portal.client != client
            {
                return Err(FileError::NotFound);
            }
            if size == 0 {
                return Err(FileError::Empty);
            }
            if size > max_size {
                return Err(FileError::TooLarge {
                    size,
                    limit: max_size,
                });
            }
            if !allowed_content_type(&content_type) {
                return Err(FileError::TypeNotAllowed(essence(&content_type)));
            }
            if !is_sha256_hex(&sha256) {
                return Err(FileError::BadDigest);
            }
            if !usable_storage_key(&storage_key) {
                return Err(FileError::BadStorageKey);
            }
            let uploaded = FileUploaded {
                file,
                client,
                by: by.author(),
                name: sanitize_file_name(&name),
                content_type: essence(&content_type),
                size,
                sha256,
                storage_key,
            };
            match &stored.uploaded {
                None => Ok(vec![FileEvent::Uploaded(uploaded)]),
                Some(existing) if *existing == uploaded => Ok(vec![]),
                Some(_) => Err(FileError::AlreadyUploaded),
            }
        }
        FileCommand::Remove { staff } => {
            let uploaded = stored.uploaded.as_ref().ok_or(FileError::NotFound)?;
            if stored.removed {
                return Ok(vec![]);
            }
            Ok(vec![FileEvent::Removed(FileRemoved {
                file: uploaded.file,
                by: staff,
            })])
        }
    }
}
