//! Receiving an upload: the multipart field `file`, streamed to the content
//! store, with the size limit (413) and type allow-list (415) applied.
//!
//! Every request body is bounded whatever its framing ([`bound`]): a chunked
//! body without `Content-Length` ends in 413 once it passes the upload limit
//! plus [`FRAMING_BYTES`], and a multipart body whose first part's headers do
//! not end within [`PART_HEADER_BYTES`] ends in 413 at once, so an upload
//! never holds more than that in memory.

use crate::app::AppState;
use crate::file_storage::{Accepts, ContentStore, Stored, UploadError};
use crate::http::ApiError;
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use futures::StreamExt;

/// Room for the multipart framing around the file itself.
pub const FRAMING_BYTES: u64 = 64 * 1024;
/// Longest start of a multipart body before its first part's headers end.
pub const PART_HEADER_BYTES: u64 = 16 * 1024;

/// Why a request body was cut short.
#[derive(Debug, thiserror::Error)]
enum Bounded {
    #[error("the body is larger than the {0} bytes accepted")]
    Body(u64),
    #[error("the part headers are longer than the {0} bytes accepted")]
    PartHeaders(u64),
}

/// Whether the request's body is `multipart/...` (an upload).
pub fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/")
        })
}

/// Bounds every request body as it streams: at most the upload limit plus
/// [`FRAMING_BYTES`], and for `multipart/form-data` the first part's headers
/// within [`PART_HEADER_BYTES`] (JSON routes keep their own, lower limit).
pub async fn bound(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = state.files.max_bytes().saturating_add(FRAMING_BYTES);
    let multipart = is_multipart(request.headers());
    let (parts, body) = request.into_parts();
    let mut seen: u64 = 0;
    // Bytes of "\r\n\r\n" matched so far; 4 once the part headers ended.
    let mut matched: usize = if multipart { 0 } else { 4 };
    let stream = body.into_data_stream().map(move |chunk| {
        let chunk = chunk.map_err(axum::BoxError::from)?;
        if matched < 4 {
            for (i, byte) in chunk.iter().enumerate() {
                matched = match (matched, *byte) {
                    (0 | 2, b'\r') => matched + 1,
                    (1 | 3, b'\n') => matched + 1,
                    (_, b'\r') => 1,
                    _ => 0,
                };
                if matched == 4 {
                    break;
                }
                if seen + i as u64 >= PART_HEADER_BYTES {
                    return Err(Bounded::PartHeaders(PART_HEADER_BYTES).into());
                }
            }
        }
        seen = seen.saturating_add(chunk.len() as u64);
        if seen > limit {
            return Err(Bounded::Body(limit).into());
        }
        Ok::<_, axum::BoxError>(chunk)
    });
    next.run(Request::from_parts(parts, Body::from_stream(stream)))
        .await
}

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
                ApiError::new(crate::http::problem_types::TOO_LARGE, e.to_string())
            }
            UploadError::TypeRefused(_) => {
                ApiError::new(crate::http::problem_types::TYPE_REFUSED, e.to_string())
            }
            UploadError::Io(e) => ApiError::from(e),
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
            crate::http::problem_types::NOT_MULTIPART,
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
        // What follows the file is read too (and dropped), so a body past
        // the bound is refused whatever comes after its file part.
        drop(field);
        while let Some(mut rest) = multipart.next_field().await.map_err(malformed)? {
            while rest.chunk().await.map_err(malformed)?.is_some() {}
        }
        let stored = incoming.finish().await?;
        return Ok(Received { name, stored });
    }
    Err(ApiError::bad_request(
        "the multipart field `file` is missing",
    ))
}

fn malformed(e: axum::extract::multipart::MultipartError) -> ApiError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(error) = source {
        if let Some(bounded) = error.downcast_ref::<Bounded>() {
            return ApiError::new(crate::http::problem_types::TOO_LARGE, bounded.to_string());
        }
        source = error.source();
    }
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(crate::http::problem_types::TOO_LARGE, e.body_text());
    }
    ApiError::bad_request(format!("malformed multipart body: {}", e.body_text()))
}
