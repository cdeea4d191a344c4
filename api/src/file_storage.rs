//! Uploaded content, stored by its SHA-256 (docs/product.md §6.3): on local disk by
//! default, or in an S3-compatible bucket.
//!
//! An upload is streamed into a temporary file under the files directory,
//! hashed and counted as it arrives, refused once it passes the size limit,
//! sniffed by content against the domain allow-list, and only then kept:
//! renamed to `{dir}/{sha256}` on disk, or sent to `{prefix}/{sha256}` in the
//! bucket. Identical content is stored once.
//!
//! On PostgreSQL without a bucket the content is kept in the database
//! itself ([`database`]), so that every process reads what any stored.

mod database;

use bytes::Bytes;
use cma_domain::file::{ALLOWED_CONTENT_TYPES, is_sha256_hex};
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::buffered::BufWriter;
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt};
use sha2::{Digest, Sha256};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use tokio::io::AsyncWriteExt;
use tokio_util::io::ReaderStream;

/// Bytes kept from the start of an upload for type sniffing (office
/// documents are zip archives whose telling entries may come a little in).
const SNIFF_BYTES: usize = 64 * 1024;

/// Content up to this size goes to a bucket in one request; larger content
/// goes as a multipart upload of parts this size.
const PART_BYTES: usize = 8 * 1024 * 1024;

/// Parts of one multipart upload in flight at once.
const PARTS_IN_FLIGHT: usize = 2;

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the upload is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("files of this type are not accepted{}", .0.as_deref().map(|t| format!(" ({t})")).unwrap_or_default())]
    TypeRefused(Option<String>),
    #[error("the upload could not be stored: {0}")]
    Io(#[from] io::Error),
}

/// Why the content store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot create the files directory {}: {source}", .dir.display())]
    Dir { dir: PathBuf, source: io::Error },
    #[error("cannot set up the bucket {bucket}: {source}")]
    Bucket {
        bucket: String,
        source: object_store::Error,
    },
    #[error("cannot set up the file store in the database: {0}")]
    Database(sqlx::Error),
}

/// Where content is kept: `s3://bucket/prefix` (the prefix may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketUrl {
    pub bucket: String,
    pub prefix: Key,
}

impl FromStr for BucketUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let refuse = |why: &str| format!("{text:?} is not an s3://bucket/prefix URL: {why}");
        let rest = text
            .strip_prefix("s3://")
            .ok_or_else(|| refuse("it must start with s3://"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket_char =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.';
        if bucket.is_empty() || !bucket.chars().all(bucket_char) {
            return Err(refuse(
                "the bucket name must be lower-case letters, digits, '-' and '.'",
            ));
        }
        let prefix = Key::parse(prefix).map_err(|e| refuse(&e.to_string()))?;
        Ok(Self {
            bucket: bucket.to_owned(),
            prefix,
        })
    }
}

/// One setting of the S3 client as `key=value`, with object_store's key
/// names (`endpoint`, `region`, `allow_http`, `access_key_id`, ...).
#[derive(Clone)]
pub struct BucketOption {
    key: AmazonS3ConfigKey,
    value: String,
}

impl FromStr for BucketOption {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (key, value) = text
            .split_once('=')
            .ok_or("expected key=value, e.g. region=eu-west-2")?;
        let key = key.trim().to_ascii_lowercase();
        let key = key.parse().map_err(|e| format!("{e}"))?;
        Ok(Self {
            key,
            value: value.to_owned(),
        })
    }
}

/// Shows the key only: values may be secrets.
impl fmt::Debug for BucketOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}=…", self.key.as_ref())
    }
}

/// The content store: the files directory, and the bucket if one is set.
#[derive(Debug)]
pub struct ContentStore {
    /// Holds the content on disk, or only the uploads on their way to the bucket.
    dir: PathBuf,
    bucket: Option<Bucket>,
    /// Keeps the content in PostgreSQL (no bucket, read models on PostgreSQL).
    database: Option<database::Database>,
    max_bytes: u64,
}

/// What one kind of upload may be: its largest size and the sniffed types
/// accepted. The check on the way in reads these, and the pages are told them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepts {
    pub max_bytes: u64,
    pub content_types: &'static [&'static str],
}

/// Content as stored: its key (the SHA-256 hex), size and sniffed type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub size: u64,
    pub content_type: &'static str,
}

/// Stored content on its way out.
pub type ContentStream = BoxStream<'static, io::Result<Bytes>>;

impl ContentStore {
    /// The store in `dir` (created if missing), refusing uploads over
    /// `max_bytes`; with `bucket`, content is kept there instead, the client
    /// set up from the `AWS_*` variables and then `options`.
    pub async fn open(
        dir: &Path,
        max_bytes: u64,
        bucket: Option<&BucketUrl>,
        options: &[BucketOption],
    ) -> Result<Self, OpenError> {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|source| OpenError::Dir {
                dir: dir.to_owned(),
                source,
            })?;
        let bucket = bucket.map(|url| Bucket::open(url, options)).transpose()?;
        Ok(Self {
            dir: dir.to_owned(),
            bucket,
            database: None,
            max_bytes,
        })
    }

    /// Keeps content in the PostgreSQL database at `url` instead of the
    /// files directory (unless a bucket is set, which wins). Content on disk
    /// from before is still read when the database does not have it.
    pub fn in_database(mut self, url: &str) -> Result<Self, OpenError> {
        if self.bucket.is_none() {
            self.database = Some(database::Database::connect(url).map_err(OpenError::Database)?);
        }
        Ok(self)
    }

    /// Where content is kept: `bucket`, `database` or `disk`.
    pub fn kind(&self) -> &'static str {
        match (&self.bucket, &self.database) {
            (Some(_), _) => "bucket",
            (None, Some(_)) => "database",
            (None, None) => "disk",
        }
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// What a client file may be: up to the configured limit
    /// (`CMA_MAX_UPLOAD_BYTES`), of a type on the domain's allow-list.
    pub fn files(&self) -> Accepts {
        Accepts {
            max_bytes: self.max_bytes,
            content_types: ALLOWED_CONTENT_TYPES,
        }
    }

    /// Starts receiving one upload into a temporary file, to be refused
    /// unless it is what `accepts` allows.
    pub fn begin(&self, accepts: Accepts) -> io::Result<Incoming> {
        let temp = tempfile::Builder::new()
            .prefix(".upload-")
            .tempfile_in(&self.dir)?;
        let writer = tokio::fs::File::from_std(temp.as_file().try_clone()?);
        Ok(Incoming {
            temp,
            writer,
            dir: self.dir.clone(),
            bucket: self.bucket.clone(),
            database: self.database.clone(),
            accepts,
            hasher: Sha256::new(),
            size: 0,
            head: Vec::new(),
            text: Utf8Check::default(),
        })
    }

    /// Streams stored content by its key; `None` for a key that is not a
    /// SHA-256 or content that is not there.
    pub async fn open_content(&self, key: &str) -> io::Result<Option<ContentStream>> {
        if !is_sha256_hex(key) {
            return Ok(None);
        }
        if let Some(database) = &self.database
            && let Some(content) = database.get(key).await?
        {
            return Ok(Some(content));
        }
        let opened = match &self.bucket {
            None => tokio::fs::File::open(self.dir.join(key))
                .await
                .map(|file| ReaderStream::new(file).boxed()),
            Some(bucket) => bucket.get(key).await,
        };
        match opened {
            Ok(content) => Ok(Some(content)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether the store answers: the files directory is there and, with a
    /// bucket, the bucket can be listed; in the database, the database answers.
    pub async fn check(&self) -> io::Result<()> {
        if !tokio::fs::metadata(&self.dir).await?.is_dir() {
            return Err(io::Error::other(format!(
                "{} is not a directory",
                self.dir.display()
            )));
        }
        match (&self.bucket, &self.database) {
            (Some(bucket), _) => bucket.check().await,
            (None, Some(database)) => database.check().await,
            (None, None) => Ok(()),
        }
    }
}

/// An S3-compatible bucket holding content under `{prefix}/{sha256}`.
#[derive(Debug, Clone)]
struct Bucket {
    store: Arc<dyn ObjectStore>,
    prefix: Key,
}

impl Bucket {
    fn open(url: &BucketUrl, options: &[BucketOption]) -> Result<Self, OpenError> {
        let builder = options.iter().fold(
            AmazonS3Builder::from_env().with_bucket_name(&url.bucket),
            |builder, option| builder.with_config(option.key, &option.value),
        );
        let store = builder.build().map_err(|source| OpenError::Bucket {
            bucket: url.bucket.clone(),
            source,
        })?;
        Ok(Self {
            store: Arc::new(store),
            prefix: url.prefix.clone(),
        })
    }

    fn key(&self, sha256: &str) -> Key {
        self.prefix.clone().join(sha256)
    }

    async fn get(&self, sha256: &str) -> io::Result<ContentStream> {
        let found = self.store.get(&self.key(sha256)).await?;
        Ok(found.into_stream().map_err(io::Error::from).boxed())
    }

    async fn check(&self) -> io::Result<()> {
        self.store
            .list(Some(&self.prefix))
            .next()
            .await
            .transpose()?;
        Ok(())
    }

    /// Sends the finished upload in `file` to its key, unless content is
    /// there already: in one request, or in parts when it is large.
    async fn keep(&self, mut file: tokio::fs::File, sha256: &str) -> io::Result<()> {
        let key = self.key(sha256);
        match self.store.head(&key).await {
            Ok(_) => return Ok(()),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        let mut writer = BufWriter::with_capacity(self.store.clone(), key.clone(), PART_BYTES)
            .with_max_concurrency(PARTS_IN_FLIGHT);
        if let Err(e) = tokio::io::copy(&mut file, &mut writer).await {
            if let Err(abort) = writer.abort().await {
                tracing::warn!(error = %abort, key = %key, "an unfinished multipart upload was not aborted");
            }
            return Err(e);
        }
        writer.shutdown().await
    }
}

/// One upload on its way in. Dropped unfinished, its temporary file goes too.
pub struct Incoming {
    temp: tempfile::NamedTempFile,
    writer: tokio::fs::File,
    dir: PathBuf,
    bucket: Option<Bucket>,
    database: Option<database::Database>,
    accepts: Accepts,
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
        if self.size > self.accepts.max_bytes {
            return Err(UploadError::TooLarge {
                limit: self.accepts.max_bytes,
            });
        }
        let room = SNIFF_BYTES.saturating_sub(self.head.len());
        self.head
            .extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
        self.hasher.update(chunk);
        self.text.feed(chunk);
        self.writer.write_all(chunk).await?;
        Ok(())
    }

    /// Sniffs the content, refuses a type not accepted, and keeps the
    /// content: renamed into the files directory, or sent to the bucket.
    pub async fn finish(mut self) -> Result<Stored, UploadError> {
        let content_type = sniff(&self.head, self.text.finish());
        let content_type = match content_type {
            Some(t) if self.accepts.content_types.contains(&t) => t,
            other => return Err(UploadError::TypeRefused(other.map(str::to_owned))),
        };
        self.writer.flush().await?;
        let sha256 = hex::encode(self.hasher.finalize());
        match (&self.bucket, &self.database) {
            (None, Some(database)) => {
                let file = tokio::fs::File::from_std(self.temp.reopen()?);
                database.keep(file, &sha256, self.size).await?;
            }
            (None, None) => {
                // On disk the temporary file becomes the content: made durable first.
                self.writer.sync_all().await?;
                let target = self.dir.join(&sha256);
                let temp = self.temp;
                tokio::task::spawn_blocking(move || persist(temp, &target))
                    .await
                    .map_err(io::Error::other)??;
            }
            (Some(bucket), _) => {
                let file = tokio::fs::File::from_std(self.temp.reopen()?);
                bucket.keep(file, &sha256).await?;
            }
        }
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
    fn a_files_url_names_a_bucket_and_a_folder_in_it() {
        let url = |text: &str| text.parse::<BucketUrl>();
        let bucket = |bucket: &str, prefix: &str| BucketUrl {
            bucket: bucket.to_owned(),
            prefix: Key::from(prefix),
        };
        assert_eq!(
            url("s3://files/portal/uploads/"),
            Ok(bucket("files", "portal/uploads"))
        );
        assert_eq!(url("s3://files"), Ok(bucket("files", "")));
        assert!(url("s3:///uploads").is_err());
        assert!(url("s3://files/a//b").is_err());
        assert!(url("file:///srv/files").is_err());
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
