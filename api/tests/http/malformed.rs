//! A path id that is not a UUID makes a request malformed: every route
//! with ids in its path answers 400, naming the parameter, and changes
//! nothing (docs/api.md: 400 for a malformed request).

use crate::matrix::{ROUTES, Role, documented_path, send, world};
use crate::schema::{declares, operation};
use crate::support::*;
use reqwest::StatusCode;

/// The placeholders of the test's route templates and the parameter names
/// the API (and its OpenAPI document) gives them.
const PARAMETERS: &[(&str, &str)] = &[
    ("{client}", "id"),
    ("{quote}", "id"),
    ("{invoice}", "id"),
    ("{appointment}", "id"),
    ("{line}", "line_id"),
    ("{file}", "file_id"),
];

#[tokio::test]
async fn every_path_id_that_is_not_a_uuid_is_a_400_naming_it() {
    let w = world().await;
    let (_, spec) = w.server.get("/api/v1/openapi.json", None).await;
    let head = w.server.head().await;
    let mut checked = Vec::new();
    for route in ROUTES {
        for (placeholder, parameter) in PARAMETERS {
            if !route.path.contains(placeholder) {
                continue;
            }
            for bad in [
                "not-a-uuid",
                "12345",
                "00000000-0000-0000-0000-00000000000g",
            ] {
                let path = w.r1.fill(&route.path.replace(placeholder, bad));
                let token = match route.role {
                    Role::Portal => &w.c1.token,
                    Role::Staff | Role::Any => &w.staff_a.token,
                };
                let (status, body) = send(&w, route, &path, Some(token), &w.r1).await;
                assert_problem(status, &body, StatusCode::BAD_REQUEST);
                assert_eq!(
                    body["type"], "https://cma.example/problems/malformed-id",
                    "{} {path}: {body}",
                    route.method
                );
                let detail = text(&body["detail"]);
                assert!(
                    detail.contains(&format!("`{parameter}`")),
                    "{} {path}: {detail} does not name `{parameter}`",
                    route.method
                );
                let documented = operation(&spec, route.method, &documented_path(route));
                assert!(
                    declares(documented, 400),
                    "{} {} does not declare 400",
                    route.method,
                    route.path
                );
            }
            checked.push(format!("{} {}", route.method, route.path));
        }
    }
    assert_eq!(
        w.server.head().await,
        head,
        "a malformed request changed the log"
    );
    // Every route of the matrix with an id in its path, once per id.
    let expected: usize = ROUTES
        .iter()
        .map(|r| {
            PARAMETERS
                .iter()
                .filter(|(p, _)| r.path.contains(p))
                .count()
        })
        .sum();
    assert_eq!(checked.len(), expected);
    assert!(checked.len() >= 30, "{checked:#?}");
}
