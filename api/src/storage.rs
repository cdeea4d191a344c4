//! Uploaded content on local disk, stored by its SHA-256 (PRODUCT §6.3).
//!
//! An upload is streamed into a temporary file beside the store, hashed and
//! counted as it arrives, refused once it passes the size limit, sniffed
//! by content against the domain allow-list, and only then renamed to
//! `{dir}/{sha256}`. Identical content is stored once.

use cma_domain::file::{allowed_content_type, is_sha256_hex};
use sha2::{Digest, Sha256};
use std::io;
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// Bytes kept from the start of an upload for type sniffing (office
/// documents are zip archives whose telling entries may come a little in).
const SNIFF_BYTES: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the upload is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("files of this type are not accepted{}", .0.as_deref().map(|t| format!(" ({t})")).unwrap_or_default())]
    TypeRefused(Option<String>),
    #[error("the upload could not be stored: {0}")]
    Io(#[from] io::Error),
}

/// The content store: one directory, one file per distinct content.
#[derive(Debug)]
pub struct FileStorage {
    dir: PathBuf,
    max_bytes: u64,
}

/// Content as stored: its key (the SHA-256 hex), size and sniffed type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub size: u64,
    pub content_type: &'static str,
}

impl FileStorage {
    /// The store in `dir` (created if missing), refusing uploads over `max_bytes`.
    pub async fn open(dir: &Path, max_bytes: u64) -> io::Result<Self> {
        tokio::fs::create_dir_all(dir).await?;
        Ok(Self {
            dir: dir.to_owned(),
            max_bytes,
        })
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Starts receiving one upload into a temporary file.
    pub fn begin(&self) -> io::Result<Incoming> {
        let temp = tempfile::Builder::new()
            .prefix(".upload-")
            .tempfile_in(&self.dir)?;
        let writer = tokio::fs::File::from_std(temp.as_file().try_clone()?);
        Ok(Incoming {
            temp,
            writer,
            dir: self.dir.clone(),
            limit: self.max_bytes,
            hasher: Sha256::new(),
            size: 0,
            head: Vec::new(),
            text: Utf8Check::default(),
        })
    }

    /// Opens stored content by its key; `None` for a key that is not a
    /// SHA-256 or content that is not there.
    pub async fn open_content(&self, key: &str) -> io::Result<Option<tokio::fs::File>> {
        if !is_sha256_hex(key) {
            return Ok(None);
        }
        match tokio::fs::File::open(self.dir.join(key)).await {
            Ok(file) => Ok(Some(file)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// One upload on its way in. Dropped unfinished, its temporary file goes too.
pub struct Incoming {
    temp: tempfile::NamedTempFile,
    writer: tokio::fs::File,
    dir: PathBuf,
    limit: u64,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
    text: Utf8Check,
}

impl Incoming {
    /// Appends the next chunk; refuses as soon as the total passes the limit.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), UploadError> {
        let len = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
        self.size = self.size.saturating_add(len);
        if self.size > self.limit {
            return Err(UploadError::TooLarge { limit: self.limit });
        }
        let room = SNIFF_BYTES.saturating_sub(self.head.len());
        self.head
            .extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
        self.hasher.update(chunk);
        self.text.feed(chunk);
        self.writer.write_all(chunk).await?;
        Ok(())
    }

    /// Sniffs the content, refuses a type off the allow-list, and moves the
    /// content to its place in the store.
    pub async fn finish(mut self) -> Result<Stored, UploadError> {
        let content_type = sniff(&self.head, self.text.finish());
        let content_type = match content_type {
            Some(t) if allowed_content_type(t) => t,
            other => return Err(UploadError::TypeRefused(other.map(str::to_owned))),
        };
        self.writer.flush().await?;
        self.writer.sync_all().await?;
        let sha256 = hex::encode(self.hasher.finalize());
        let target = self.dir.join(&sha256);
        let temp = self.temp;
        tokio::task::spawn_blocking(move || persist(temp, &target))
            .await
            .map_err(io::Error::other)??;
        Ok(Stored {
            sha256,
            size: self.size,
            content_type,
        })
    }
}

/// Renames the temporary file into place; identical content already there is kept.
fn persist(temp: tempfile::NamedTempFile, target: &Path) -> io::Result<()> {
    if target.exists() {
        return Ok(());
    }
    temp.persist(target).map(drop).map_err(|e| e.error)
}

/// The type the content shows: a known binary signature, else `text/plain`
/// for valid UTF-8 without NUL bytes.
fn sniff(head: &[u8], is_text: bool) -> Option<&'static str> {
    match infer::get(head) {
        Some(kind) => Some(kind.mime_type()),
        None if is_text && !head.is_empty() => Some("text/plain"),
        None => None,
    }
}

/// Checks a stream of bytes for valid UTF-8 text (no NUL), chunk by chunk.
#[derive(Default)]
struct Utf8Check {
    /// The start of a character cut by the chunk boundary.
    pending: Vec<u8>,
    invalid: bool,
}

impl Utf8Check {
    fn feed(&mut self, chunk: &[u8]) {
        if self.invalid {
            return;
        }
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(chunk);
        match std::str::from_utf8(&bytes) {
            Ok(text) => self.invalid = text.contains('\0'),
            Err(e) if e.error_len().is_none() => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                self.invalid = valid.contains(&0);
                self.pending = rest.to_vec();
            }
            Err(_) => self.invalid = true,
        }
    }

    fn finish(&self) -> bool {
        !self.invalid && self.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(chunks: &[&[u8]]) -> bool {
        let mut check = Utf8Check::default();
        chunks.iter().for_each(|c| check.feed(c));
        check.finish()
    }

    #[test]
    fn utf8_split_across_chunks_is_text() {
        let euro = "€".as_bytes();
        assert!(text(&[b"price ", &euro[..1], &euro[1..], b" 12"]));
    }

    #[test]
    fn invalid_or_truncated_utf8_or_nul_is_not_text() {
        assert!(!text(&[b"ab\xff"]));
        assert!(!text(&[b"ab", &"€".as_bytes()[..2]]));
        assert!(!text(&[b"a\0b"]));
    }

    #[test]
    fn sniffing_reads_content_not_names() {
        assert_eq!(sniff(b"%PDF-1.7\n", false), Some("application/pdf"));
        assert_eq!(sniff(b"hello", true), Some("text/plain"));
        assert_eq!(
            sniff(b"MZ\x90\x00", false),
            Some("application/vnd.microsoft.portable-executable")
        );
        assert_eq!(sniff(b"", true), None);
    }
}
