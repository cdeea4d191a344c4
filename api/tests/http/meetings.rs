//! Booking: one slot, two racing clients; cancellation windows; the diary's range.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn two_clients_racing_for_one_slot_get_one_201_and_one_409() {
    let server = Server::start_with(at(FRIDAY_NOON)).await;
    let boss = server.signup("race@ace.example").await;
    let a = server.client(&boss, "Ann", &["ann@home.example"]).await;
    let b = server.client(&boss, "Bob", &["bob@home.example"]).await;
    let ann = server
        .portal(&boss, &a, "ann@home.example", all_sections())
        .await;
    let bob = server
        .portal(&boss, &b, "bob@home.example", all_sections())
        .await;
    let slot = "2026-12-08T09:00:00Z";
    let (first, second) = tokio::join!(server.book(&ann, slot), server.book(&bob, slot));
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
    let (_, slots) = server.fresh("/api/v1/portal/meetings/slots", &ann).await;
    let starts: Vec<String> = slots["slots"]
        .as_array()
        .map(|s| s.iter().map(|s| text(&s["starts_at"])).collect())
        .unwrap_or_default();
    assert!(
        !starts.contains(&"2026-12-08T09:00:00Z".to_owned()),
        "the slot is no longer free"
    );
    assert!(starts.contains(&"2026-12-08T10:00:00Z".to_owned()));
}

#[tokio::test]
async fn times_that_are_not_free_slots_are_refused() {
    let server = Server::start_with(at(FRIDAY_NOON)).await;
    let (_, cy) = server.staff_and_client("Cy", "cy@home.example").await;
    let cy = cy.token;
    for refused in [
        "2026-12-05T10:00:00Z", // Saturday
        "2026-12-07T08:00:00Z", // before hours
        "2026-12-07T10:30:00Z", // misaligned
        "2026-12-04T11:00:00Z", // past
        "2026-12-21T10:00:00Z", // beyond 14 days
    ] {
        let (status, _) = server.book(&cy, refused).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    }
    let (_, meetings) = server.fresh("/api/v1/portal/meetings", &cy).await;
    assert_eq!(meetings["meetings"], json!([]));
}

#[tokio::test]
async fn can_cancel_is_false_inside_24_hours_and_staff_may_still_cancel() {
    // Monday 09:00 is 24 hours away as the server starts; the clock runs on,
    // so by the time it is booked the window has just closed.
    let server = Server::start_with(at("2026-12-06T09:00:00Z")).await;
    let (boss, di) = server.staff_and_client("Di", "di@home.example").await;
    let di = di.token;
    let (_, near) = server.book(&di, "2026-12-07T09:00:00Z").await;
    let (_, far) = server.book(&di, "2026-12-08T09:00:00Z").await;
    let (_, meetings) = server.fresh("/api/v1/portal/meetings", &di).await;
    assert_eq!(
        meetings["meetings"][0]["can_cancel"], false,
        "the clock has moved past the deadline"
    );
    assert_eq!(meetings["meetings"][1]["can_cancel"], true);
    let near = text(&near["appointment_id"]);
    let (status, _) = server.cancel_meeting(&di, &near).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = server.cancel_appointment(&boss.token, &near).await;
    assert_eq!(status, StatusCode::OK, "staff cancel at any time");
    let far = text(&far["appointment_id"]);
    let (status, _) = server.cancel_meeting(&di, &far).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_diary_range_defaults_to_the_next_31_days() {
    let server = Server::start_with(at(FRIDAY_NOON)).await;
    let boss = server.signup("diary@ace.example").await;
    for (starts, ends) in [
        ("2026-12-04T10:00:00Z", "2026-12-04T11:00:00Z"),
        ("2026-12-08T09:00:00Z", "2026-12-08T10:00:00Z"),
        ("2027-01-05T09:00:00Z", "2027-01-05T10:00:00Z"),
    ] {
        let (status, body) = server
            .post(
                "/api/v1/diary/appointments",
                Some(&boss.token),
                json!({"starts_at": starts, "ends_at": ends, "title": "Survey"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // From now (Friday noon): the past one and the one beyond 31 days are out.
    for query in ["", "?from=&to=", "?from=2026-12-04T12:00:00Z"] {
        let (status, diary) = server
            .fresh(&format!("/api/v1/diary{query}"), &boss.token)
            .await;
        assert_eq!(status, StatusCode::OK, "{query}: {diary}");
        let starts: Vec<String> = diary["appointments"]
            .as_array()
            .map(|a| a.iter().map(|a| text(&a["starts_at"])).collect())
            .unwrap_or_default();
        assert_eq!(starts, ["2026-12-08T09:00:00Z"], "{query}");
    }
    let (status, body) = server
        .fresh("/api/v1/diary?from=tomorrow", &boss.token)
        .await;
    assert_problem(status, &body, StatusCode::BAD_REQUEST);
}
