//! The harness's own parts that the page tests do not reach yet: pointer
//! drawing on a canvas, emails from the outbox and their links, and a wait
//! that runs out.

use crate::harness::{Driver, PointerKind, Server, Viewport};
use futures::FutureExt;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::panic::AssertUnwindSafe;

/// A page with a canvas that records the pointer events it receives.
const CANVAS_PAGE: &str = "data:text/html;charset=utf-8,<!doctype html><html lang=en>\
<title>Canvas</title><body style='margin:0'>\
<canvas aria-label='Signature' width=300 height=150 \
 style='display:block;margin:40px;touch-action:none;border:1px solid'></canvas>\
<script>window.seen = []; const c = document.querySelector('canvas');\
for (const t of ['pointerdown', 'pointermove', 'pointerup']) c.addEventListener(t, e => {\
 const r = c.getBoundingClientRect();\
 window.seen.push({type: e.type, kind: e.pointerType, x: e.clientX - r.left, y: e.clientY - r.top});\
});</script>";

#[tokio::test]
async fn drawing_on_a_canvas_fires_real_pointer_events() {
    let server = Server::start().await;
    let driver = Driver::start().await;
    let browser = driver.browser(&server, Viewport::Phone).await;

    for (kind, name) in [(PointerKind::Mouse, "mouse"), (PointerKind::Pen, "pen")] {
        browser.goto(CANVAS_PAGE).await;
        let canvas = browser.canvas("Signature").await;
        if kind == PointerKind::Mouse {
            browser.sign("Signature").await;
        } else {
            browser
                .draw(&canvas, &[&[(0.1, 0.1), (0.5, 0.5), (0.9, 0.9)]], kind)
                .await;
        }
        let seen = browser.execute("return window.seen;", vec![]).await;
        let seen = seen.as_array().expect("a list of events");
        let count = |t: &str| seen.iter().filter(|e| e["type"] == t).count();
        let strokes = if kind == PointerKind::Mouse { 2 } else { 1 };
        assert_eq!(count("pointerdown"), strokes, "{name}: {seen:?}");
        assert_eq!(count("pointerup"), strokes, "{name}: {seen:?}");
        assert!(count("pointermove") >= 2, "{name}: {seen:?}");
        for event in seen {
            assert_eq!(event["kind"], json!(name), "{event}");
            let (x, y) = (event["x"].as_f64().unwrap(), event["y"].as_f64().unwrap());
            assert!(
                (0.0..=302.0).contains(&x) && (0.0..=152.0).contains(&y),
                "{name}: an event off the canvas: {event}"
            );
        }
    }
    browser.close().await;
}

#[tokio::test]
async fn the_invite_email_link_opens_the_portal_page_it_names() {
    let server = Server::start().await;
    let (status, team) = server
        .api(
            Method::POST,
            "/api/v1/teams",
            None,
            Some(json!({
                "business_name": "Sparks & Sons",
                "owner_name": "Sam Sparks",
                "owner_email": "sam@sparks.test",
                "owner_password": "correct horse battery",
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{team}");
    let (status, login) = server
        .api(
            Method::POST,
            "/api/v1/auth/staff/login",
            None,
            Some(json!({"email": "sam@sparks.test", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{login}");
    let token = login["token"].as_str().expect("a token");
    let (status, client) = server
        .api(
            Method::POST,
            "/api/v1/clients",
            Some(token),
            Some(json!({"name": "Ada", "emails": ["ada@example.test"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{client}");
    let client = client["client_id"].as_str().expect("a client id");
    let sections = json!({"quotes": true, "invoices": true, "files": true,
                          "meetings": true, "messages": true});
    let (status, invited) = server
        .api(
            Method::POST,
            &format!("/api/v1/clients/{client}/portal/invite"),
            Some(token),
            Some(json!({"email": "ada@example.test", "sections": sections})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{invited}");

    let email = server.newest_email_to("ada@example.test").await;
    let link = email.link("/portal/set-password");
    assert!(
        link.starts_with(&server.url("/portal/set-password?token=")),
        "{link}"
    );

    let driver = Driver::start().await;
    let mut browser = driver.browser(&server, Viewport::Phone).await;
    browser.goto(&link).await;
    browser
        .wait_for("a labelled password field", async || {
            let found = browser
                .client
                .execute(
                    "return [...document.querySelectorAll('input[type=password]')]\
                     .some(i => i.labels.length > 0 && i.labels[0].innerText.trim() !== '');",
                    vec![],
                )
                .await
                .ok()?;
            (found == Value::Bool(true)).then_some(())
        })
        .await;
    browser.screenshots("portal-set-password").await;
    browser
        .check_accessibility("the portal's set-password page")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_wait_that_runs_out_says_where_the_page_was_and_what_it_showed() {
    let server = Server::start().await;
    let driver = Driver::start().await;
    let browser = driver.browser(&server, Viewport::Desktop).await;
    browser.goto("/no-such-page").await;
    browser.wait_for_heading("Page not found").await;

    let failed = AssertUnwindSafe(browser.button("A button nobody drew"))
        .catch_unwind()
        .await
        .expect_err("the look-up fails");
    let message = failed.downcast_ref::<String>().cloned().unwrap_or_default();
    for part in [
        "a button named \"A button nobody drew\"",
        &server.url("/no-such-page"),
        "Page not found",
        "e2e-screenshots/failures/",
    ] {
        assert!(message.contains(part), "{part:?} is not in:\n{message}");
    }
    browser.close().await;
}
