//! Project Files & Inspiration (docs/product.md §6): one stream per file, `file-{file id}`.
//!
//! The API stores the bytes first (under a storage key of its choosing),
//! sniffs the content type from them and hashes them; the upload command
//! carries those facts and the domain decides whether the file is accepted.
//!
//! - A client uploads only with Files on and only to their own record;
//!   staff upload for any client of their team.
//! - The type allow-list ([`allowed_content_type`]) is checked against the
//!   sniffed type, never the name: images (PNG, JPEG, GIF, WebP, HEIC/HEIF),
//!   PDF, plain text, and Word/Excel/OpenDocument text and spreadsheets
//!   (zip containers, recognised by their inner manifest). SVG, HTML,
//!   archives and executables are refused: they can carry script or hide content.
//! - The size limit (default 25 MiB) is the API's to enforce before the bytes
//!   are kept; the command carries the size and the limit and is refused with
//!   [`FileError::TooLarge`] too, so the rule holds in one place. The API maps
//!   `TooLarge` to 413 and `TypeNotAllowed` to 415; as refusals both are
//!   `Unprocessable`.
//! - Names are sanitised with [`sanitize_file_name`].
//! - Staff may remove a file; removal is recorded, the bytes are the API's to delete.

mod commands;
mod decide;
mod errors;
mod events;
mod names;
#[cfg(any(test, feature = "samples"))]
pub mod samples;
mod state;
#[cfg(test)]
mod tests;

pub use commands::FileCommand;
pub(crate) use decide::usable_storage_key;
pub use decide::{ALLOWED_CONTENT_TYPES, allowed_content_type, is_sha256_hex};
pub use errors::{FileError, FileRule};
pub use events::{FileEvent, FileRemoved, FileUploaded};
pub use names::{MAX_EXTENSION_CHARS, MAX_NAME_CHARS, sanitize_file_name};
pub use state::StoredFile;
