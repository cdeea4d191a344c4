//! Uploads: size limit, type by content, sanitised names, download headers.

use crate::support::*;
use reqwest::StatusCode;

/// A team, one of its clients and that client's portal login: the staff
/// token, the client id and the portal token.
pub async fn client_portal(server: &Server) -> (String, String, String) {
    let (boss, pat) = server.staff_and_client("Pat", "pat@home.example").await;
    (boss.token, pat.client_id, pat.token)
}

pub fn png() -> Vec<u8> {
    cma_domain::quote::signature::tiny_png(3, 3)
}

/// A PDF of `len` bytes.
pub fn pdf(len: usize) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(len, b'a');
    pdf
}

/// The start of a Windows program: off the allow-list.
pub fn program() -> Vec<u8> {
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec()
}

/// Downloads `file`, the PNG, through the staff route and the portal route
/// (`tokens` in that order): the same bytes come back, with the stored type,
/// its length, `disposition` and `nosniff`.
pub async fn assert_png_served(server: &Server, file: &str, tokens: [&str; 2], disposition: &str) {
    let [staff, portal] = tokens;
    for (path, token) in [
        (format!("/api/v1/files/{file}/content"), staff),
        (format!("/api/v1/portal/files/{file}/content"), portal),
    ] {
        let response = server.fresh_raw(&path, token).await;
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers().clone();
        assert_eq!(header(&headers, "content-type"), "image/png");
        assert_eq!(header(&headers, "content-length"), png().len().to_string());
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
        assert_eq!(header(&headers, "content-disposition"), disposition);
        let bytes = response.bytes().await.expect("body");
        assert_eq!(bytes.to_vec(), png());
    }
}

#[tokio::test]
async fn an_upload_over_the_limit_is_413_and_records_nothing() {
    let server = Server::start_with(at(FRIDAY_NOON).max_upload(2048)).await;
    let (staff, client, portal) = client_portal(&server).await;
    let (status, problem) = server
        .upload("/api/v1/portal/files", &portal, "big.pdf", pdf(4096))
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{problem}");
    assert_eq!(problem["status"], 413);
    let (_, files) = server
        .fresh(&format!("/api/v1/clients/{client}/files"), &staff)
        .await;
    assert_eq!(files["files"], serde_json::json!([]));
}

#[tokio::test]
async fn the_type_is_judged_by_content_not_by_name() {
    let server = Server::start_with(at(FRIDAY_NOON)).await;
    let (staff, client, portal) = client_portal(&server).await;
    let (status, _) = server
        .upload("/api/v1/portal/files", &portal, "photo.png", program())
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _) = server
        .upload(
            &format!("/api/v1/clients/{client}/files"),
            &staff,
            "notes.exe",
            png(),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "a real PNG passes whatever its name"
    );
    let (_, files) = server.fresh("/api/v1/portal/files", &portal).await;
    assert_eq!(files["files"][0]["content_type"], "image/png");
    assert_eq!(files["files"][0]["uploaded_by"], "staff");
}

#[tokio::test]
async fn names_are_sanitised_and_downloads_carry_safe_headers() {
    let server = Server::start_with(at(FRIDAY_NOON)).await;
    let (staff, client, portal) = client_portal(&server).await;
    let (status, uploaded) = server
        .upload(
            "/api/v1/portal/files",
            &portal,
            "../../Küche \"plan\"<1>.png",
            png(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{uploaded}");
    let file = text(&uploaded["file_id"]);
    let (_, files) = server
        .fresh(&format!("/api/v1/clients/{client}/files"), &staff)
        .await;
    assert_eq!(files["files"][0]["name"], "Küche plan1.png");
    let disposition =
        "attachment; filename=\"K_che plan1.png\"; filename*=UTF-8''K%C3%BCche%20plan1.png";
    assert_png_served(&server, &file, [&staff, &portal], disposition).await;
}

#[tokio::test]
async fn files_off_refuses_uploads_and_lists() {
    let server = Server::start_with(at(FRIDAY_NOON)).await;
    let boss = server.signup("off@ace.example").await;
    let files_off = sections_without(&["files"]);
    let lee = server
        .portal_client(&boss, "Lee", "lee@home.example", files_off)
        .await;
    let portal = lee.token;
    let (status, _) = server
        .upload("/api/v1/portal/files", &portal, "a.png", png())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server.fresh("/api/v1/portal/files", &portal).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
