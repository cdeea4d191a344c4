//! Sending stored content back: the stored type, an attachment disposition
//! with the sanitised name (or inline, for the team's logo), and no sniffing
//! by the browser.

use crate::file_storage::ContentStream;
use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// RFC 8187 `attr-char`s stay as they are; everything else is percent-encoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded`.
pub fn content_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(name, ATTR_CHAR)
    )
}

/// The response streaming `content` as an attachment named `name`.
pub fn attachment(content: ContentStream, size: u64, content_type: &str, name: &str) -> Response {
    let mut response = stream(content, size, content_type);
    if let Ok(disposition) = HeaderValue::from_str(&content_disposition(name)) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

/// The response streaming an image a page shows (`<img src>`): inline, and
/// kept by the browser's private cache for an hour (its URL changes with it).
pub fn inline(content: ContentStream, size: u64, content_type: &str) -> Response {
    let mut response = stream(content, size, content_type);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    response
}

fn stream(content: ContentStream, size: u64, content_type: &str) -> Response {
    let mut response = Body::from_stream(content).into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_and_percent_encoded() {
        assert_eq!(
            content_disposition("Kitchen \"plan\" é.pdf"),
            "attachment; filename=\"Kitchen _plan_ _.pdf\"; \
             filename*=UTF-8''Kitchen%20%22plan%22%20%C3%A9.pdf"
        );
    }
}
