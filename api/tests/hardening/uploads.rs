//! Uploads without `Content-Length`: bounded whatever the framing.

use crate::raw::{assert_status, stream_chunks};
use crate::support::*;
use std::time::Duration;

fn upload_head(server: &Server, client: &str, token: &str) -> String {
    let host = server.base.trim_start_matches("http://");
    format!(
        "POST /api/v1/clients/{client}/files HTTP/1.1\r\nHost: {host}\r\n\
         Authorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary=B\r\n\
         Transfer-Encoding: chunked\r\n\r\n"
    )
}

/// Streams a chunked upload for a new client of a new team (`owner`) to a
/// server with a 2 KiB upload limit, `first` and then zeros without end:
/// it is 413 well before the default limit (25 MiB) could have been read,
/// and the client has no files. (What the client counts as sent includes
/// what loopback's socket buffers took, several MiB on this kernel.)
async fn over_the_limit_stores_nothing(owner: &str, first: &[u8]) {
    let server = Server::start_with(at(FRIDAY_NOON).max_upload(2048)).await;
    let boss = server.signup(owner).await;
    let client = server.client(&boss, "Pat", &["pat@home.example"]).await;
    let head = upload_head(&server, &client, &boss.token);
    let zeros = vec![0u8; 16 * 1024];
    let (answer, sent) =
        stream_chunks(&server.base, &head, first, &zeros, Duration::from_secs(20)).await;
    assert_status(&answer, 413);
    assert!(sent < 16 * 1024 * 1024, "{sent} bytes were read first");
    let (_, files) = server
        .fresh(&format!("/api/v1/clients/{client}/files"), &boss.token)
        .await;
    assert_eq!(files["files"], serde_json::json!([]));
}

#[tokio::test]
async fn part_headers_that_never_end_are_413_at_once() {
    let server = Server::start_with(at(FRIDAY_NOON)).await;
    let boss = server.signup("headers@ace.example").await;
    let client = server.client(&boss, "Pat", &["pat@home.example"]).await;
    let head = upload_head(&server, &client, &boss.token);
    let zeros = vec![0u8; 64 * 1024];
    let (answer, sent) = stream_chunks(
        &server.base,
        &head,
        b"--B\r\n",
        &zeros,
        Duration::from_secs(20),
    )
    .await;
    assert_status(&answer, 413);
    // Refused long before the upload limit (25 MiB) was reached.
    assert!(sent < 8 * 1024 * 1024, "{sent} bytes were read first");
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_413_without_content_length() {
    let first = b"--B\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\n";
    over_the_limit_stores_nothing("chunked@ace.example", first).await;
}

#[tokio::test]
async fn a_chunked_body_past_the_limit_after_its_file_part_is_413_and_stores_nothing() {
    // A whole, small file part, then another part that never ends.
    let first = b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\
        Content-Type: application/pdf\r\n\r\n%PDF-1.7\n\r\n\
        --B\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\n";
    over_the_limit_stores_nothing("after@ace.example", first).await;
}
