//! THE AUTHORIZATION MATRIX (docs/product.md §3.5, §3.6, §11.2): every staff and
//! portal route of docs/api.md × (section off, portal suspended, another
//! client's resource, another team's resource, not logged in, wrong role).
//! Each refusal is checked for its status code and for leaving the event
//! log's head where it was.

use crate::fixture::{Resources, png_form, provision};
use crate::schema::{declares, operation, violations};
use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Staff,
    Portal,
    /// Either kind of session (logout).
    Any,
}

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Json(&'static str),
    Upload,
}

/// One route of docs/api.md.
#[derive(Clone, Copy, Debug)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub role: Role,
    /// The portal section the route belongs to.
    pub section: Option<&'static str>,
    /// Names one of the caller's resources (path ids, or `client_id` in the body).
    pub scoped: bool,
    pub body: Body,
}

const fn staff(method: &'static str, path: &'static str, scoped: bool, body: Body) -> Route {
    Route {
        method,
        path,
        role: Role::Staff,
        section: None,
        scoped,
        body,
    }
}

const fn portal(
    method: &'static str,
    path: &'static str,
    section: Option<&'static str>,
    scoped: bool,
    body: Body,
) -> Route {
    Route {
        method,
        path,
        role: Role::Portal,
        section,
        scoped,
        body,
    }
}

const QUOTE: &str = r#"{"title": "T", "currency": "GBP", "lines": [{"description": "D", "quantity": "1", "unit_price": "1.00", "tax_rate": "20", "optional": false, "selected": true}]}"#;
const INVOICE: &str = r#"{"currency": "GBP", "due_on": "2026-12-31", "lines": [{"description": "D", "quantity": "1", "unit_price": "1.00", "tax_rate": "20"}]}"#;
const TEXT: &str = r#"{"text": "hello"}"#;
const SECTIONS: &str =
    r#"{"quotes": true, "invoices": true, "files": true, "meetings": true, "messages": true}"#;

/// The path of a route as the OpenAPI document spells it.
pub fn documented_path(route: &Route) -> String {
    let template = route.path.split('?').next().unwrap_or(route.path);
    template
        .replace("{client}", "{id}")
        .replace("{quote}", "{id}")
        .replace("{invoice}", "{id}")
        .replace("{appointment}", "{id}")
        .replace("{line}", "{line_id}")
        .replace("{file}", "{file_id}")
}

/// The routes that take no session: sign-up, the logins and links
/// (covered in `identity`), and the service's own routes.
pub const PUBLIC: &[(&str, &str)] = &[
    ("POST", "/api/v1/teams"),
    ("POST", "/api/v1/auth/staff/login"),
    ("POST", "/api/v1/auth/portal/set-password"),
    ("POST", "/api/v1/auth/portal/login"),
    ("POST", "/api/v1/auth/portal/reset-request"),
    ("POST", "/api/v1/auth/portal/reset"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
];

/// Every route that needs a session: those of docs/api.md's route tables,
/// the read markers of the message threads among them.
#[rustfmt::skip]
pub const ROUTES: &[Route] = &[
    Route { role: Role::Any, ..staff("POST", "/api/v1/auth/logout", false, Body::None) },
    staff("GET", "/api/v1/auth/me", false, Body::None),
    staff("GET", "/api/v1/team/settings", false, Body::None),
    staff("PUT", "/api/v1/team/settings", false, Body::Json(r#"{"business_name": "Changed"}"#)),
    staff("PUT", "/api/v1/team/logo", false, Body::Upload),
    staff("DELETE", "/api/v1/team/logo", false, Body::None),
    staff("GET", "/api/v1/team/logo", false, Body::None),
    staff("POST", "/api/v1/clients", false, Body::Json(r#"{"name": "N", "emails": []}"#)),
    staff("GET", "/api/v1/clients", false, Body::None),
    staff("GET", "/api/v1/clients/{client}", true, Body::None),
    staff("POST", "/api/v1/clients/{client}/emails", true, Body::Json(r#"{"email": "new@example.test"}"#)),
    staff("POST", "/api/v1/clients/{client}/portal/invite", true, Body::Json("INVITE")),
    staff("PUT", "/api/v1/clients/{client}/portal/access", true, Body::Json(r#"{"enabled": false}"#)),
    staff("POST", "/api/v1/clients/{client}/quotes", true, Body::Json(QUOTE)),
    staff("GET", "/api/v1/quotes/{quote}", true, Body::None),
    staff("GET", "/api/v1/clients/{client}/quotes", true, Body::None),
    staff("PUT", "/api/v1/quotes/{quote}", true, Body::Json(r#"{"title": "Changed"}"#)),
    staff("POST", "/api/v1/quotes/{quote}/send", true, Body::None),
    staff("POST", "/api/v1/quotes/{quote}/withdraw", true, Body::None),
    staff("POST", "/api/v1/quotes/{quote}/lines/{line}/comments", true, Body::Json(TEXT)),
    staff("POST", "/api/v1/clients/{client}/invoices", true, Body::Json(INVOICE)),
    staff("GET", "/api/v1/clients/{client}/invoices", true, Body::None),
    staff("POST", "/api/v1/invoices/{invoice}/payments", true, Body::Json(r#"{"amount": "1.00", "paid_on": "2026-12-07"}"#)),
    staff("GET", "/api/v1/invoices/{invoice}", true, Body::None),
    staff("GET", "/api/v1/clients/{client}/files", true, Body::None),
    staff("POST", "/api/v1/clients/{client}/files", true, Body::Upload),
    staff("GET", "/api/v1/files/{file}/content", true, Body::None),
    staff("GET", "/api/v1/inbox", false, Body::None),
    staff("GET", "/api/v1/clients/{client}/messages", true, Body::None),
    staff("POST", "/api/v1/clients/{client}/messages", true, Body::Json(TEXT)),
    staff("POST", "/api/v1/clients/{client}/messages/read", true, Body::Json("{}")),
    staff("GET", "/api/v1/diary?from=2026-12-01T00:00:00Z&to=2026-12-31T00:00:00Z", false, Body::None),
    staff("POST", "/api/v1/diary/appointments", true, Body::Json("APPOINTMENT")),
    staff("POST", "/api/v1/diary/appointments/{appointment}/cancel", true, Body::None),
    staff("GET", "/api/v1/emails", false, Body::None),
    staff("GET", "/api/v1/audit/quotes/{quote}", true, Body::None),
    staff("GET", "/api/v1/audit/quotes/{quote}/certificate", true, Body::None),
    portal("GET", "/api/v1/portal/me", None, false, Body::None),
    portal("GET", "/api/v1/portal/logo", None, false, Body::None),
    portal("PUT", "/api/v1/portal/notifications", None, false, Body::Json(r#"{"email": false}"#)),
    portal("GET", "/api/v1/portal/quotes", Some("quotes"), false, Body::None),
    portal("GET", "/api/v1/portal/quotes/{quote}", Some("quotes"), true, Body::None),
    portal("PUT", "/api/v1/portal/quotes/{quote}/lines/{line}", Some("quotes"), true, Body::Json(r#"{"selected": false}"#)),
    portal("POST", "/api/v1/portal/quotes/{quote}/lines/{line}/comments", Some("quotes"), true, Body::Json(TEXT)),
    portal("POST", "/api/v1/portal/quotes/{quote}/accept", Some("quotes"), true, Body::Json("ACCEPT")),
    portal("GET", "/api/v1/portal/invoices", Some("invoices"), false, Body::None),
    portal("GET", "/api/v1/portal/invoices/{invoice}", Some("invoices"), true, Body::None),
    portal("GET", "/api/v1/portal/files", Some("files"), false, Body::None),
    portal("POST", "/api/v1/portal/files", Some("files"), false, Body::Upload),
    portal("GET", "/api/v1/portal/files/{file}/content", Some("files"), true, Body::None),
    portal("GET", "/api/v1/portal/messages", Some("messages"), false, Body::None),
    portal("POST", "/api/v1/portal/messages", Some("messages"), false, Body::Json(TEXT)),
    portal("POST", "/api/v1/portal/messages/read", Some("messages"), false, Body::Json("{}")),
    portal("GET", "/api/v1/portal/meetings/slots", Some("meetings"), false, Body::None),
    portal("GET", "/api/v1/portal/meetings", Some("meetings"), false, Body::None),
    portal("POST", "/api/v1/portal/meetings", Some("meetings"), false, Body::Json("BOOK")),
    portal("POST", "/api/v1/portal/meetings/{appointment}/cancel", Some("meetings"), true, Body::None),
];

/// The six ways a request can be refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    SectionOff,
    PortalSuspended,
    AnotherClient,
    AnotherTeam,
    NotLoggedIn,
    WrongRole,
}

pub struct World {
    pub server: Server,
    pub staff_a: Staff,
    pub c1: PortalClient,
    pub r1: Resources,
    r2: Resources,
    c3: PortalClient,
    r3: Resources,
    suspended: PortalClient,
    rb: Resources,
    free_slot: Value,
}

/// The token and resources a case calls a route with, or `None` when the
/// case does not apply to the route, with the status it must answer.
fn plan<'a>(
    w: &'a World,
    route: &Route,
    case: Case,
) -> Option<(Option<&'a str>, &'a Resources, StatusCode)> {
    let own_token = match route.role {
        Role::Staff | Role::Any => w.staff_a.token.as_str(),
        Role::Portal => w.c1.token.as_str(),
    };
    match (case, route.role) {
        (Case::NotLoggedIn, _) => Some((None, &w.r1, StatusCode::UNAUTHORIZED)),
        (Case::WrongRole, Role::Staff) => Some((Some(&w.c1.token), &w.r1, StatusCode::FORBIDDEN)),
        (Case::WrongRole, Role::Portal) => {
            Some((Some(&w.staff_a.token), &w.r1, StatusCode::FORBIDDEN))
        }
        (Case::AnotherTeam, Role::Staff | Role::Portal) if route.scoped => {
            Some((Some(own_token), &w.rb, StatusCode::NOT_FOUND))
        }
        (Case::AnotherClient, Role::Portal) if route.scoped => {
            Some((Some(own_token), &w.r2, StatusCode::NOT_FOUND))
        }
        (Case::SectionOff, Role::Portal) if route.section.is_some() => {
            Some((Some(&w.c3.token), &w.r3, StatusCode::FORBIDDEN))
        }
        (Case::PortalSuspended, Role::Portal) => {
            Some((Some(&w.suspended.token), &w.r1, StatusCode::UNAUTHORIZED))
        }
        _ => None,
    }
}

fn body(w: &World, route: &Route, resources: &Resources) -> Option<Value> {
    let Body::Json(template) = route.body else {
        return None;
    };
    Some(match template {
        "INVITE" => {
            json!({"email": format!("{}@example.test", "c1"), "sections": serde_json::from_str::<Value>(SECTIONS).ok()})
        }
        "APPOINTMENT" => {
            json!({"client_id": resources.client, "starts_at": "2026-12-09T14:00:00Z", "ends_at": "2026-12-09T15:00:00Z", "title": "Survey"})
        }
        "ACCEPT" => json!({"name": "Ada", "signature": signature(), "revision": 1}),
        "BOOK" => json!({"starts_at": w.free_slot}),
        json => serde_json::from_str(json).unwrap_or(Value::Null),
    })
}

async fn call(
    w: &World,
    route: &Route,
    token: Option<&str>,
    resources: &Resources,
) -> (StatusCode, Value) {
    send(w, route, &resources.fill(route.path), token, resources).await
}

/// Calls `route` at `path` (its template filled in), with its body made
/// from `resources`.
pub async fn send(
    w: &World,
    route: &Route,
    path: &str,
    token: Option<&str>,
    resources: &Resources,
) -> (StatusCode, Value) {
    let method = Method::from_bytes(route.method.as_bytes()).unwrap_or(Method::GET);
    let mut request = w.server.http.request(method, w.server.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request = match route.body {
        Body::Upload => request.multipart(png_form()),
        Body::Json(_) => request.json(&body(w, route, resources)),
        Body::None => request,
    };
    read(request.send().await.expect("response")).await
}

pub async fn world() -> World {
    let server = Server::start().await;
    let staff_a = server.signup("a@alpha.test").await;
    let staff_b = server.signup("b@beta.test").await;
    let (c1, r1) = provision(&server, &staff_a, "C1", 0).await;
    let (_, r2) = provision(&server, &staff_a, "C2", 1).await;
    let (c3, r3) = provision(&server, &staff_a, "C3", 2).await;
    let (_, rb) = provision(&server, &staff_b, "D1", 0).await;
    let off = json!({"sections": {"quotes": false, "invoices": false, "files": false, "meetings": false, "messages": false}});
    let (status, body) = server
        .put(
            &format!("/api/v1/clients/{}/portal/access", r3.client),
            Some(&staff_a.token),
            off,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let suspended = server
        .portal_client(&staff_a, "C4", "c4@example.test", all_sections())
        .await;
    let (status, body) = server
        .put(
            &format!("/api/v1/clients/{}/portal/access", suspended.client_id),
            Some(&staff_a.token),
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Team A has a logo, so its reads answer 200.
    let logo = server
        .http
        .put(server.url("/api/v1/team/logo"))
        .bearer_auth(&staff_a.token)
        .multipart(png_form())
        .send()
        .await
        .expect("response");
    let (status, body) = read(logo).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, slots) = server
        .get("/api/v1/portal/meetings/slots", Some(&c1.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{slots}");
    let free_slot = slots["slots"][5]["starts_at"].clone();
    World {
        server,
        staff_a,
        c1,
        r1,
        r2,
        c3,
        r3,
        suspended,
        rb,
        free_slot,
    }
}

/// How many refusals the matrix holds for `route`: not logged in always;
/// the wrong role unless either role may call it; another team's resource
/// when it names one; for portal routes, a suspended portal, another
/// client's resource when it names one, and its section off.
fn refusals(route: &Route) -> usize {
    let portal = route.role == Role::Portal;
    [
        true,
        route.role != Role::Any,
        route.scoped && route.role != Role::Any,
        portal,
        portal && route.scoped,
        route.section.is_some(),
    ]
    .into_iter()
    .filter(|applies| *applies)
    .count()
}

#[tokio::test]
async fn every_route_refuses_what_it_must_and_appends_nothing() {
    let w = world().await;
    let (_, spec) = w.server.get("/api/v1/openapi.json", None).await;
    let head = w.server.head().await;
    // The read models catch up before the refusals are tried.
    let (status, _) = w
        .server
        .get_at("/api/v1/clients", &w.staff_a.token, &json!(head))
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut checked = 0;
    for route in ROUTES {
        let documented = operation(&spec, route.method, &documented_path(route));
        assert!(
            documented.is_object(),
            "{} {} is not in the OpenAPI document",
            route.method,
            route.path
        );
        for case in [
            Case::SectionOff,
            Case::PortalSuspended,
            Case::AnotherClient,
            Case::AnotherTeam,
            Case::NotLoggedIn,
            Case::WrongRole,
        ] {
            let Some((token, resources, expected)) = plan(&w, route, case) else {
                continue;
            };
            if route.role == Role::Any && case != Case::NotLoggedIn {
                continue;
            }
            let (status, body) = call(&w, route, token, resources).await;
            assert_eq!(
                status, expected,
                "{case:?}: {} {} answered {body}",
                route.method, route.path
            );
            assert_problem(status, &body, expected);
            assert!(
                declares(documented, status.as_u16()),
                "{case:?}: {} {} answers {status}, which its OpenAPI operation does not declare",
                route.method,
                route.path
            );
            assert_eq!(
                w.server.head().await,
                head,
                "{case:?}: {} {} appended an event",
                route.method,
                route.path
            );
            checked += 1;
        }
        if route.method == "GET" {
            own_read(&w, &spec, route).await;
        }
    }
    assert_eq!(checked, ROUTES.iter().map(refusals).sum::<usize>());
}

/// A read of the caller's own resources answers 200 with a body that
/// matches the schema its OpenAPI operation declares.
async fn own_read(w: &World, spec: &Value, route: &Route) {
    let token = match route.role {
        Role::Portal => w.c1.token.as_str(),
        _ => w.staff_a.token.as_str(),
    };
    let method = Method::from_bytes(route.method.as_bytes()).unwrap_or(Method::GET);
    let response = w
        .server
        .http
        .request(method, w.server.url(&w.r1.fill(route.path)))
        .bearer_auth(token)
        .send()
        .await
        .expect("response");
    let content_type = header(response.headers(), "content-type");
    let status = response.status();
    let bytes = response.bytes().await.expect("body");
    assert_eq!(status, StatusCode::OK, "own {}", route.path);
    let answer = &operation(spec, route.method, &documented_path(route))["responses"]["200"];
    if content_type != "application/json" {
        // Downloads and the certificate: not JSON, and declared as such.
        assert!(
            answer["content"]["application/json"].is_null(),
            "own {} answered {content_type}",
            route.path
        );
        return;
    }
    let body: Value = serde_json::from_slice(&bytes).expect("a JSON body");
    let schema = &answer["content"]["application/json"]["schema"];
    let wrong = violations(spec, schema, &body, "body");
    assert!(
        wrong.is_empty(),
        "own {}: {body}\ndeparts from its schema: {wrong:#?}",
        route.path
    );
}
