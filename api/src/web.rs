//! The web pages: the staff app at `/`, the client portal under `/portal/`,
//! and their static files under `/assets/`, embedded in the binary from
//! `api/web/` (read from disk in debug builds). The pages are clients of the
//! JSON API only; see docs/web.md.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "web/"]
struct Files;

/// The first path segments the staff app's own router answers (besides `/`);
/// api/web/assets/staff/main.js lists the same pages.
const STAFF_PAGES: &[&str] = &[
    "signup", "login", "clients", "quotes", "invoices", "inbox", "diary", "settings", "emails",
];

/// Pages: no inline script, nothing from elsewhere, never framed.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; font-src 'self'; \
     manifest-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The routes of the static files; pages are answered by [`page`] from the fallback.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/assets/{*path}", get(asset))
}

/// The page a browser asked for: a shell whose script renders it, or the
/// HTML not-found page.
pub fn page(path: &str, request: &HeaderMap) -> Response {
    let shell = match path.strip_prefix("/portal") {
        Some("") => return redirect("/portal/"),
        Some(rest) if rest.starts_with('/') => "portal.html",
        _ => {
            let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
            if first.is_empty() || STAFF_PAGES.contains(&first) {
                "staff.html"
            } else {
                "not-found.html"
            }
        }
    };
    let status = if shell == "not-found.html" {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    serve(shell, request, status)
}

async fn asset(Path(path): Path<String>, request: HeaderMap) -> Response {
    serve(&format!("assets/{path}"), &request, StatusCode::OK)
}

fn serve(name: &str, request: &HeaderMap, status: StatusCode) -> Response {
    let Some(file) = Files::get(name) else {
        return serve("not-found.html", request, StatusCode::NOT_FOUND);
    };
    let etag = format!("\"{}\"", hex::encode(file.metadata.sha256_hash()));
    let mut headers = security_headers();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    if fresh && status == StatusCode::OK {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    let mime = file.metadata.mimetype();
    let content_type = if mime.starts_with("text/") || mime.ends_with("javascript") {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_owned()
    };
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    (status, headers, file.data.into_owned()).into_response()
}

fn redirect(to: &'static str) -> Response {
    let mut headers = security_headers();
    headers.insert(header::LOCATION, HeaderValue::from_static(to));
    (StatusCode::PERMANENT_REDIRECT, headers).into_response()
}

/// The headers of every page and static file.
fn security_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    headers
}
