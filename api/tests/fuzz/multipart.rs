//! Hostile multipart bodies on every upload route: any boundary, any part
//! headers, any file name, content of any size, framing cut anywhere.

use crate::support::*;
use crate::{count_panics, run, success_or_problem, unpooled};
use proptest::prelude::*;
use reqwest::Method;

/// The upload limit the server runs with: small, so the limits are reached
/// by bodies proptest makes quickly.
const MAX_UPLOAD: u64 = 4096;
/// What `cma_api::http::upload` allows before the first part's headers end.
const PART_HEADERS: usize = 16 * 1024;
/// Room it allows for the multipart framing around the file.
const FRAMING: usize = 64 * 1024;

#[derive(Debug, Clone)]
struct Part {
    headers: Vec<String>,
    /// `\r\n` or something else between the headers and the content.
    separator: &'static str,
    content: Vec<u8>,
    /// Bytes of filler after the content.
    filler: usize,
}

#[derive(Debug, Clone)]
struct Upload {
    content_type: String,
    boundary: String,
    parts: Vec<Part>,
    closed: bool,
    /// Cut the body to this share (per mille) of its length.
    cut: Option<u16>,
}

fn header_line() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("file".to_owned()),
        Just("other".to_owned()),
        any::<String>()
    ];
    let file_name = prop_oneof![
        Just("photo.png".to_owned()),
        Just("../../etc/passwd".to_owned()),
        Just("CON.txt".to_owned()),
        "\\PC{0,20}[\u{0}-\u{1f}\u{202e}\u{200b}]\\PC{0,20}",
        any::<String>(),
        (0..5000usize).prop_map(|n| "a".repeat(n)),
    ];
    prop_oneof![
        (name.clone(), file_name).prop_map(|(n, f)| format!(
            "Content-Disposition: form-data; name=\"{n}\"; filename=\"{f}\""
        )),
        name.prop_map(|n| format!("Content-Disposition: form-data; name=\"{n}\"")),
        "Content-Type: [ -~]{0,60}",
        "[ -~]{0,80}",
        any::<String>(),
        (0..40_000usize).prop_map(|n| format!("X-Long: {}", "h".repeat(n))),
    ]
}

fn part() -> impl Strategy<Value = Part> {
    let content = prop_oneof![
        Just(cma_domain::quote::signature::tiny_png(4, 4)),
        Just(b"%PDF-1.4\n%%EOF\n".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..256),
    ];
    (
        proptest::collection::vec(header_line(), 0..4),
        prop_oneof![Just("\r\n"), Just("\n"), Just("")],
        content,
        prop_oneof![Just(0usize), 0..80_000usize],
    )
        .prop_map(|(headers, separator, content, filler)| Part {
            headers,
            separator,
            content,
            filler,
        })
}

fn upload() -> impl Strategy<Value = Upload> {
    let boundary = prop_oneof![
        Just("B".to_owned()),
        "[0-9A-Za-z'()+_,./:=?-]{1,70}",
        "[ -~]{0,100}",
        (70..3000usize).prop_map(|n| "x".repeat(n)),
    ];
    (boundary, proptest::collection::vec(part(), 0..4))
        .prop_flat_map(|(boundary, parts)| {
            let content_type = prop_oneof![
                4 => Just(format!("multipart/form-data; boundary={boundary}")),
                1 => Just(format!("multipart/form-data; boundary=\"{boundary}\"")),
                1 => Just("multipart/form-data".to_owned()),
                1 => Just(format!("multipart/mixed; boundary={boundary}")),
                1 => "[ -~]{0,80}",
            ];
            (
                content_type,
                Just(boundary),
                Just(parts),
                any::<bool>(),
                proptest::option::of(0..1000u16),
            )
        })
        .prop_map(|(content_type, boundary, parts, closed, cut)| Upload {
            content_type,
            boundary,
            parts,
            closed,
            cut,
        })
}

impl Upload {
    fn body(&self) -> Vec<u8> {
        let mut body = Vec::new();
        for part in &self.parts {
            body.extend(format!("--{}\r\n", self.boundary).as_bytes());
            for line in &part.headers {
                body.extend(line.as_bytes());
                body.extend(b"\r\n");
            }
            body.extend(part.separator.as_bytes());
            body.extend(&part.content);
            body.resize(body.len() + part.filler, b'z');
            body.extend(b"\r\n");
        }
        if self.closed {
            body.extend(format!("--{}--\r\n", self.boundary).as_bytes());
        }
        if let Some(cut) = self.cut {
            body.truncate(body.len() * usize::from(cut) / 1000);
        }
        body
    }
}

/// Whether the body's first part headers run past what is allowed before
/// they end.
fn headers_never_end_in_time(body: &[u8]) -> bool {
    body.len() > PART_HEADERS
        && !body[..PART_HEADERS + 1]
            .windows(4)
            .any(|w| w == b"\r\n\r\n")
}

#[test]
fn any_multipart_body_on_any_upload_route_is_a_success_or_a_problem() {
    count_panics();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (server, staff, client) = runtime.block_on(async {
        let server = Server::start_with(Options {
            max_upload_bytes: Some(MAX_UPLOAD),
            ..Options::default()
        })
        .await;
        let staff = server.signup("uploads@fuzz.test").await;
        let client = server
            .portal_client(&staff, "Pat Upload", "pat@upload.test", all_sections())
            .await;
        (server, staff, client)
    });
    let routes = [
        (
            Method::POST,
            format!("/api/v1/clients/{}/files", client.client_id),
            &staff.token,
        ),
        (
            Method::POST,
            "/api/v1/portal/files".to_owned(),
            &client.token,
        ),
        (Method::PUT, "/api/v1/team/logo".to_owned(), &staff.token),
    ];
    let http = unpooled();
    run((0..routes.len(), upload()), |(route, upload)| {
        let (method, path, token) = &routes[route];
        let body = upload.body();
        let multipart = upload
            .content_type
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/");
        let headers_too_long = multipart && headers_never_end_in_time(&body);
        let past_bound = body.len() > MAX_UPLOAD as usize + FRAMING;
        let request = http
            .request(method.clone(), server.url(path))
            .bearer_auth(token)
            .header("content-type", &upload.content_type)
            .body(body);
        let what = format!("{method} {path}");
        let status =
            runtime.block_on(async { success_or_problem(&what, request.send().await).await })?;
        // Headers that never end in time are never taken, nor is a body
        // past the upload limit and its framing, whatever follows the file.
        if (multipart && headers_too_long) || past_bound {
            prop_assert!(!status.is_some_and(|s| s.is_success()), "{} took it", what);
        }
        Ok(())
    });
}
