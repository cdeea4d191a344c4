//! Uploads kept in an S3-compatible bucket (a real moto server): stored under
//! their SHA-256, served back with the same headers, stored once, nothing
//! kept when refused.

use crate::moto::{Moto, PREFIX};
use crate::support::*;
use crate::uploads::{assert_png_served, client_portal, pdf, png, program};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

/// The server with its uploads in `moto`'s bucket.
async fn start(moto: &Moto, options: Options) -> Server {
    Server::start_with(Options {
        files_url: Some(moto.files_url()),
        files_options: moto.files_options(),
        ..options
    })
    .await
}

fn key_of(bytes: &[u8]) -> String {
    format!("{PREFIX}/{}", hex::encode(Sha256::digest(bytes)))
}

/// Names in the files directory: only uploads on their way to the bucket
/// are ever there.
fn staged(server: &Server) -> Vec<String> {
    std::fs::read_dir(server.data_dir().join("files"))
        .expect("files directory")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

#[tokio::test]
async fn an_upload_is_kept_in_the_bucket_under_its_sha256_and_served_back() {
    let moto = Moto::start().await;
    let server = start(&moto, at(FRIDAY_NOON)).await;
    let (staff, _client, portal) = client_portal(&server).await;
    let (status, uploaded) = server
        .upload("/api/v1/portal/files", &portal, "Küche.png", png())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{uploaded}");
    assert_eq!(moto.objects().await, [(key_of(&png()), png().len() as u64)]);
    assert_eq!(staged(&server), Vec::<String>::new());
    let file = text(&uploaded["file_id"]);
    let disposition = "attachment; filename=\"K_che.png\"; filename*=UTF-8''K%C3%BCche.png";
    assert_png_served(&server, &file, [&staff, &portal], disposition).await;
}

#[tokio::test]
async fn identical_content_is_stored_once_in_the_bucket() {
    let moto = Moto::start().await;
    let server = start(&moto, at(FRIDAY_NOON)).await;
    let (staff, client, portal) = client_portal(&server).await;
    let (first, _) = server
        .upload("/api/v1/portal/files", &portal, "a.png", png())
        .await;
    let (second, _) = server
        .upload(
            &format!("/api/v1/clients/{client}/files"),
            &staff,
            "b.png",
            png(),
        )
        .await;
    assert_eq!((first, second), (StatusCode::CREATED, StatusCode::CREATED));
    let (_, files) = server
        .fresh(&format!("/api/v1/clients/{client}/files"), &staff)
        .await;
    assert_eq!(files["files"].as_array().map(Vec::len), Some(2));
    let keys: Vec<String> = moto.objects().await.into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, [key_of(&png())]);
}

#[tokio::test]
async fn refused_uploads_leave_nothing_in_the_bucket() {
    let moto = Moto::start().await;
    let server = start(&moto, at(FRIDAY_NOON).max_upload(2048)).await;
    let (_staff, _client, portal) = client_portal(&server).await;
    let (status, _) = server
        .upload("/api/v1/portal/files", &portal, "big.pdf", pdf(4096))
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, _) = server
        .upload("/api/v1/portal/files", &portal, "photo.png", program())
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(moto.objects().await, []);
    assert_eq!(staged(&server), Vec::<String>::new());
}

#[tokio::test]
async fn a_large_upload_goes_to_the_bucket_in_parts() {
    let moto = Moto::start().await;
    let server = start(&moto, at(FRIDAY_NOON)).await;
    let (staff, _client, portal) = client_portal(&server).await;
    // Over one part (8 MiB), under the default limit (25 MiB).
    let notes: Vec<u8> = "Boiler service notes, line by line.\n"
        .repeat(300_000)
        .into_bytes();
    let (status, uploaded) = server
        .upload("/api/v1/portal/files", &portal, "notes.txt", notes.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{uploaded}");
    assert_eq!(moto.objects().await, [(key_of(&notes), notes.len() as u64)]);
    let file = text(&uploaded["file_id"]);
    let response = server
        .fresh_raw(&format!("/api/v1/files/{file}/content"), &staff)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(response.headers(), "content-type"), "text/plain");
    let bytes = response.bytes().await.expect("body");
    assert!(
        bytes.to_vec() == notes,
        "the download differs from the upload"
    );
}

#[tokio::test]
async fn readiness_reports_whether_the_bucket_answers() {
    let moto = Moto::start().await;
    let server = start(&moto, at(FRIDAY_NOON)).await;
    let (status, ready) = server.get("/readyz", None).await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready["files"], true);
    drop(moto);
    let (status, ready) = server.get("/readyz", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{ready}");
    assert_eq!(ready["files"], false);
    let problems = ready["problems"].to_string();
    assert!(problems.contains("file store unavailable"), "{problems}");
}

#[test]
fn a_bad_files_setting_stops_startup_with_a_plain_error() {
    let data = tempfile::tempdir().expect("temp dir");
    for (args, expected) in [
        (
            vec!["--files-url", "https://bucket.example/files"],
            "is not an s3://bucket/prefix URL",
        ),
        (
            vec!["--files-url", "s3://Bad_Bucket"],
            "the bucket name must be",
        ),
        (
            vec!["--files-url", "s3://files", "--files-option", "colour=blue"],
            "colour",
        ),
        (
            vec!["--files-url", "s3://files", "--files-option", "region"],
            "expected key=value",
        ),
        (vec!["--files-option", "region=eu-west-2"], "--files-url"),
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_cma"))
            .arg("serve")
            .arg("--data-dir")
            .arg(data.path())
            .args(["--listen", "127.0.0.1:0"])
            .args(&args)
            .env_clear()
            .output()
            .expect("cma runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} started");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
