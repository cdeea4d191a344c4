//! What the browser pages read beside the records: the team's logo, the
//! business's time zone, upload limits and who the staff member is.

use crate::support::*;
use crate::uploads::{pdf, png, program};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

/// `PUT /api/v1/team/logo` with `bytes` as the multipart field `file`.
async fn put_logo(server: &Server, token: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let form = Form::new().part("file", Part::bytes(bytes).file_name("logo.png"));
    let response = server
        .http
        .put(server.url("/api/v1/team/logo"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("response");
    read(response).await
}

/// Fetches `path` at `position`: the status, the headers and the bytes.
async fn fetch(
    server: &Server,
    path: &str,
    token: &str,
    position: &Value,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let response = server.get_at_raw(path, token, position).await;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body").to_vec();
    (status, headers, bytes)
}

#[tokio::test]
async fn a_logo_is_uploaded_shown_to_staff_and_every_client_and_removed() {
    let server = Server::start().await;
    let boss = server.signup("logo@ace.example").await;
    // A client with every section off still sees the business's logo.
    let off = sections_without(&["quotes", "invoices", "files", "meetings", "messages"]);
    let client = server
        .portal_client(&boss, "Pat", "pat@home.example", off)
        .await;
    let (status, before) = server.fresh("/api/v1/portal/me", &client.token).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    assert_eq!(before["branding"]["logo"], Value::Null);
    assert_eq!(before["branding"]["logo_url"], Value::Null);
    let (status, _, _) = fetch(&server, "/api/v1/portal/logo", &client.token, &json!(0)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, changed) = put_logo(&server, &boss.token, png()).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    let position = changed["position"].clone();
    assert!(position.is_u64(), "{changed}");

    let (status, settings) = server
        .get_at("/api/v1/team/settings", &boss.token, &position)
        .await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    let logo = text(&settings["branding"]["logo"]);
    assert!(uuid::Uuid::parse_str(&logo).is_ok(), "{settings}");
    assert_eq!(
        settings["branding"]["logo_url"],
        json!(format!("/api/v1/team/logo?v={logo}"))
    );
    let (_, me) = server
        .get_at("/api/v1/portal/me", &client.token, &position)
        .await;
    assert_eq!(me["branding"]["logo"], json!(logo));
    assert_eq!(
        me["branding"]["logo_url"],
        json!(format!("/api/v1/portal/logo?v={logo}"))
    );

    for (url, token) in [
        (&settings["branding"]["logo_url"], &boss.token),
        (&me["branding"]["logo_url"], &client.token),
    ] {
        let (status, headers, bytes) = fetch(&server, &text(url), token, &position).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert_eq!(header(&headers, "content-type"), "image/png");
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
        assert_eq!(header(&headers, "content-length"), png().len().to_string());
        assert_eq!(bytes, png());
    }
    // Each side reads the logo only through its own route.
    let (status, _, _) = fetch(&server, "/api/v1/team/logo", &client.token, &position).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = fetch(&server, "/api/v1/portal/logo", &boss.token, &position).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The same image again records nothing and keeps its URL.
    let head = server.head().await;
    let (status, again) = put_logo(&server, &boss.token, png()).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(server.head().await, head);

    // Another image is another URL.
    let (status, replaced) = put_logo(
        &server,
        &boss.token,
        cma_domain::quote::signature::tiny_png(5, 2),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{replaced}");
    let (_, me) = server
        .get_at("/api/v1/portal/me", &client.token, &replaced["position"])
        .await;
    assert_ne!(me["branding"]["logo"], json!(logo));

    let (status, removed) = server.delete("/api/v1/team/logo", &boss.token).await;
    assert_eq!(status, StatusCode::OK, "{removed}");
    let position = removed["position"].clone();
    let (_, settings) = server
        .get_at("/api/v1/team/settings", &boss.token, &position)
        .await;
    assert_eq!(settings["branding"]["logo"], Value::Null);
    assert_eq!(settings["branding"]["logo_url"], Value::Null);
    for (path, token) in [
        ("/api/v1/team/logo", &boss.token),
        ("/api/v1/portal/logo", &client.token),
    ] {
        let (status, _, body) = fetch(&server, path, token, &position).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        let problem: Value = serde_json::from_slice(&body).expect("a problem");
        assert_problem(status, &problem, StatusCode::NOT_FOUND);
    }
    // Removing no logo records nothing.
    let head = server.head().await;
    let (status, _) = server.delete("/api/v1/team/logo", &boss.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(server.head().await, head);
}

#[tokio::test]
async fn a_logo_must_be_a_web_image_of_at_most_2_mib() {
    let server = Server::start().await;
    let boss = server.signup("refused@ace.example").await;
    let head = server.head().await;
    // Files a client may upload, but not logos: a PDF, plain text.
    for bytes in [pdf(1000), b"just some text".to_vec(), program()] {
        let (status, problem) = put_logo(&server, &boss.token, bytes).await;
        assert_problem(status, &problem, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
    // A PNG signature followed by 2 MiB and a byte.
    let mut big = png();
    big.resize(2 * 1024 * 1024 + 1, 0);
    let (status, problem) = put_logo(&server, &boss.token, big).await;
    assert_problem(status, &problem, StatusCode::PAYLOAD_TOO_LARGE);
    let response = server
        .http
        .put(server.url("/api/v1/team/logo"))
        .bearer_auth(&boss.token)
        .json(&json!({"logo": "x"}))
        .send()
        .await
        .expect("response");
    let (status, problem) = read(response).await;
    assert_problem(status, &problem, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        server.head().await,
        head,
        "a refused logo recorded something"
    );
}

#[tokio::test]
async fn settings_name_only_the_teams_own_logo() {
    let server = Server::start().await;
    let boss = server.signup("settings@ace.example").await;
    let stranger = uuid::Uuid::new_v4();
    let branding = json!({"branding": {"accent_colour": "#112233", "logo": stranger}});
    let (status, problem) = server.save_settings(&boss.token, branding).await;
    assert_problem(status, &problem, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text(&problem["detail"]).contains(&stranger.to_string()),
        "{problem}"
    );

    let (status, changed) = put_logo(&server, &boss.token, png()).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    let (_, settings) = server
        .get_at("/api/v1/team/settings", &boss.token, &changed["position"])
        .await;
    let logo = settings["branding"]["logo"].clone();
    // The branding as read, sent back with a change, and branding without a
    // logo: both keep the logo.
    let mut branding = settings["branding"].clone();
    branding["accent_colour"] = json!("#445566");
    for branding in [branding, json!({"tagline": "Bright ideas"})] {
        let branding = json!({ "branding": branding });
        let (status, saved) = server.save_settings(&boss.token, branding).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        let (_, settings) = server
            .get_at("/api/v1/team/settings", &boss.token, &saved["position"])
            .await;
        assert_eq!(settings["branding"]["logo"], logo, "{settings}");
    }
}

#[tokio::test]
async fn the_portal_knows_the_business_time_zone() {
    let server = Server::start().await;
    let (boss, client) = server.staff_and_client("Pat", "pat@zone.example").await;
    let (_, settings) = server.fresh("/api/v1/team/settings", &boss.token).await;
    let (status, me) = server.fresh("/api/v1/portal/me", &client.token).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["time_zone"], settings["time_zone"]);
    let zone = json!({"time_zone": "America/New_York"});
    let (status, saved) = server.save_settings(&boss.token, zone).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, me) = server
        .get_at("/api/v1/portal/me", &client.token, &saved["position"])
        .await;
    assert_eq!(me["time_zone"], "America/New_York");
}

#[tokio::test]
async fn file_lists_say_what_an_upload_may_be() {
    let server = Server::start_with(Options::default().max_upload(4096)).await;
    let (boss, client) = server.staff_and_client("Pat", "pat@limits.example").await;
    let accepted = json!(cma_domain::file::ALLOWED_CONTENT_TYPES);
    for (path, token) in [
        (
            format!("/api/v1/clients/{}/files", client.client_id),
            &boss.token,
        ),
        ("/api/v1/portal/files".to_owned(), &client.token),
    ] {
        let (status, list) = server.fresh(&path, token).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert_eq!(list["files"], json!([]));
        assert_eq!(list["max_bytes"], 4096, "{path}");
        assert_eq!(list["accepted_types"], accepted, "{path}");
        let types = list["accepted_types"].as_array().expect("a list");
        assert!(types.contains(&json!("application/pdf")));
        assert!(
            !types
                .iter()
                .any(|t| t == "image/svg+xml" || t == "text/html")
        );
    }
    // The limit listed is the limit applied.
    let (status, _) = server
        .upload("/api/v1/portal/files", &client.token, "big.pdf", pdf(4097))
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, _) = server
        .upload("/api/v1/portal/files", &client.token, "ok.pdf", pdf(4096))
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn staff_learn_who_they_are() {
    let server = Server::start().await;
    let boss = server.signup("me@ace.example").await;
    let (status, me) = server.fresh("/api/v1/auth/me", &boss.token).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(
        me,
        json!({
            "staff_id": boss.staff_id,
            "team_id": boss.team_id,
            "name": "Sam Sparks",
            "email": "me@ace.example",
            "business_name": "Sparks & Sons",
        })
    );
    let (status, problem) = server.get("/api/v1/auth/me", None).await;
    assert_problem(status, &problem, StatusCode::UNAUTHORIZED);
    let client = server
        .portal_client(&boss, "Pat", "pat@me.example", all_sections())
        .await;
    let (status, problem) = server.get("/api/v1/auth/me", Some(&client.token)).await;
    assert_problem(status, &problem, StatusCode::FORBIDDEN);
}
