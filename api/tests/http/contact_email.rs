//! The business's contact address for replies: a team setting, the owner's
//! email until staff set one.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_contact_address_is_the_owners_email_until_staff_change_it() {
    let server = Server::start().await;
    let boss = server.signup("owner@contact.example").await;
    let (status, settings) = server.fresh("/api/v1/team/settings", &boss.token).await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    assert_eq!(settings["contact_email"], json!("owner@contact.example"));

    let contact = json!({"contact_email": " Office@Contact.example "});
    let (status, saved) = server.save_settings(&boss.token, contact).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, settings) = server
        .get_at("/api/v1/team/settings", &boss.token, &saved["position"])
        .await;
    assert_eq!(settings["contact_email"], json!("office@contact.example"));
    // Other settings are untouched by it.
    assert_eq!(
        settings["business_name"].as_str().map(str::is_empty),
        Some(false)
    );
}

#[tokio::test]
async fn a_contact_address_that_is_not_an_email_address_is_refused_with_nothing_saved() {
    let server = Server::start().await;
    let boss = server.signup("owner@refused.example").await;
    let (_, before) = server.fresh("/api/v1/team/settings", &boss.token).await;
    for bad in ["office", "office@", "two words@refused.example", ""] {
        let settings = json!({"contact_email": bad, "business_name": "Renamed Ltd"});
        let (status, problem) = server.save_settings(&boss.token, settings).await;
        assert_problem(status, &problem, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (_, after) = server.fresh("/api/v1/team/settings", &boss.token).await;
    assert_eq!(after, before);
}
