//! Quote totals follow the client's selection; a sent quote's edit is a new revision.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn totals_follow_each_toggle_and_required_lines_stay() {
    let server = Server::start_with(at(FRIDAY_NOON)).await;
    let (boss, kim) = server.staff_and_client("Kim", "kim@home.example").await;
    let (staff, portal) = (boss.token, kim.token);
    let bathroom = json!({"title": "Bathroom", "currency": "GBP", "lines": [
        {"description": "Fit", "quantity": "2.5", "unit_price": "40.00", "tax_rate": "20", "optional": false, "selected": true},
        {"description": "Tiles", "quantity": "3", "unit_price": "10.335", "tax_rate": "5", "optional": true, "selected": true},
        {"description": "Mirror", "quantity": "1", "unit_price": "19.99", "tax_rate": "20", "optional": true, "selected": false}]});
    let (_, created) = server.draft_quote(&staff, &kim.client_id, bathroom).await;
    let quote = text(&created["quote_id"]);
    server.send_quote(&staff, &quote).await;
    let shown = format!("/api/v1/portal/quotes/{quote}");
    let (_, view) = server.fresh(&shown, &portal).await;
    // Fit 100.00 + 20.00; Tiles round(31.005) = 31.01 + round(1.5505) = 1.55.
    assert_totals(&view, "131.01", "21.55", "152.56");
    let line = |i: usize| text(&view["lines"][i]["line_id"]);
    let toggle = |i: usize, selected: bool| {
        let path = format!("/api/v1/portal/quotes/{quote}/lines/{}", line(i));
        let server = &server;
        let portal = &portal;
        async move {
            server
                .put(&path, Some(portal), json!({"selected": selected}))
                .await
        }
    };
    let (_, t) = toggle(2, true).await;
    assert_totals(&t, "151.00", "25.55", "176.55");
    let (_, t) = toggle(1, false).await;
    assert_totals(&t, "119.99", "24.00", "143.99");
    let (status, _) = toggle(0, false).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a required line cannot be unticked"
    );
    let (_, view) = server
        .fresh(&format!("/api/v1/quotes/{quote}"), &staff)
        .await;
    assert_eq!(view["totals"]["total"], "143.99");
    let selected: Vec<bool> = (0..3)
        .map(|i| view["lines"][i]["selected"] == true)
        .collect();
    assert_eq!(selected, [true, false, true]);

    // Staff edit the sent quote: a new revision, selections back to defaults.
    let title = json!({"title": "Bathroom refit"});
    let (status, edited) = server
        .put(&format!("/api/v1/quotes/{quote}"), Some(&staff), title)
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["revision"], 2);
    let (_, view) = server.fresh(&shown, &portal).await;
    assert_eq!(view["title"], "Bathroom refit");
    assert_eq!(view["totals"]["total"], "152.56");
}
