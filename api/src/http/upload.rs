//! Receiving an upload: the multipart field `file`, streamed to the content
//! store, with the size limit (413) and type allow-list (415) applied.

use crate::http::ApiError;
use crate::storage::{Accepts, ContentStore, Stored, UploadError};
use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use axum::http::{HeaderMap, StatusCode, header};

/// Room for the multipart framing around the file itself.
const FRAMING_BYTES: u64 = 64 * 1024;

/// An upload as received: the name the sender gave and the stored content.
#[derive(Debug)]
pub struct Received {
    pub name: String,
    pub stored: Stored,
}

impl From<UploadError> for ApiError {
    fn from(e: UploadError) -> Self {
        match e {
            UploadError::TooLarge { .. } => {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", e.to_string())
            }
            UploadError::TypeRefused(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "type-refused",
                e.to_string(),
            ),
            UploadError::Io(e) => ApiError::internal(e),
        }
    }
}

/// Streams the `file` field of a `multipart/form-data` body into `storage`,
/// refusing content that is not what `accepts` allows.
pub async fn receive(
    storage: &ContentStore,
    accepts: Accepts,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Received, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > accepts.max_bytes.saturating_add(FRAMING_BYTES)) {
        return Err(UploadError::TooLarge {
            limit: accepts.max_bytes,
        }
        .into());
    }
    let mut multipart = multipart.map_err(|e| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not-multipart",
            format!("send the file as multipart/form-data: {e}"),
        )
    })?;
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let mut incoming = storage.begin(accepts).map_err(UploadError::from)?;
        while let Some(chunk) = field.chunk().await.map_err(malformed)? {
            incoming.write(&chunk).await?;
        }
        let stored = incoming.finish().await?;
        return Ok(Received { name, stored });
    }
    Err(ApiError::bad_request(
        "the multipart field `file` is missing",
    ))
}

fn malformed(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", e.body_text());
    }
    ApiError::bad_request(format!("malformed multipart body: {}", e.body_text()))
}
