//! The OpenAPI document as an integrator meets it: valid OpenAPI 3.1 (by
//! `openapi-spec-validator` from PyPI), operations named, summarised and
//! tagged, every answer described, our own `info`, typed bodies, enums and
//! constraints, one integer width, absent values left out, the shared
//! headers; and the answers that tell a client when and how to retry.

use crate::schema::{component, operation};
use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

const VALIDATOR: &str = "openapi-spec-validator==0.9.0";

async fn document() -> (Server, Value) {
    let server = Server::start().await;
    let (status, spec) = server.get("/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    (server, spec)
}

/// Every (method, path, operation) of the document.
fn operations(spec: &Value) -> Vec<(String, String, &Value)> {
    let mut found = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            found.push((method.clone(), path.clone(), op));
        }
    }
    found
}

/// Every object anywhere under `value`, with where it is.
fn objects<'a>(
    value: &'a Value,
    at: &str,
    found: &mut Vec<(String, &'a serde_json::Map<String, Value>)>,
) {
    match value {
        Value::Object(map) => {
            found.push((at.to_owned(), map));
            for (key, v) in map {
                objects(v, &format!("{at}/{key}"), found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                objects(v, &format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn the_document_is_valid_openapi_3_1() {
    let (_server, spec) = document().await;
    assert_eq!(spec["openapi"], json!("3.1.0"));
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, serde_json::to_vec(&spec).expect("json")).expect("write");
    let python = cma_testkit::pypi::python_with(env!("CARGO_TARGET_TMPDIR"), "openapi", VALIDATOR);
    let said = cma_testkit::pypi::run(
        Command::new(python)
            .args(["-m", "openapi_spec_validator"])
            .arg(&file),
    );
    assert!(said.contains("OK"), "{said}");
}

#[tokio::test]
async fn operations_are_uniquely_named_summarised_tagged_and_every_answer_is_described() {
    let (_server, spec) = document().await;
    let declared: BTreeSet<&str> = spec["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| {
            assert!(
                t["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{t}"
            );
            t["name"].as_str().expect("tag name")
        })
        .collect();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut used = BTreeSet::new();
    for (method, path, op) in operations(&spec) {
        let id = op["operationId"].as_str().unwrap_or_default().to_owned();
        assert!(
            !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{method} {path}: operationId {id:?} is not snake_case"
        );
        // Named for what it does: not a bare verb a generator would clash on.
        assert!(
            id.contains('_') || ["logout"].contains(&id.as_str()),
            "{method} {path}: operationId {id:?} is vague"
        );
        if let Some(other) = ids.insert(id.clone(), format!("{method} {path}")) {
            panic!("operationId {id} names both {other} and {method} {path}");
        }
        let summary = op["summary"].as_str().unwrap_or_default();
        assert!(
            !summary.is_empty() && !summary.contains('\n') && summary.len() <= 100,
            "{method} {path}: summary {summary:?}"
        );
        let tags = op["tags"].as_array().expect("tags");
        assert_eq!(tags.len(), 1, "{method} {path}");
        let tag = tags[0].as_str().expect("tag");
        assert!(
            declared.contains(tag),
            "{method} {path}: tag {tag} undeclared"
        );
        used.insert(tag);
        for (status, answer) in op["responses"].as_object().expect("responses") {
            assert!(
                answer["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty()),
                "{method} {path} {status}: no description"
            );
        }
    }
    assert_eq!(used, declared, "every declared tag is used");
    // Logins of both kinds are one group; the portal's own routes another.
    let login = |path: &str| operation(&spec, "POST", path)["tags"][0].clone();
    assert_eq!(login("/api/v1/auth/staff/login"), json!("auth"));
    assert_eq!(login("/api/v1/auth/portal/login"), json!("auth"));
    assert_eq!(
        operation(&spec, "GET", "/metrics")["operationId"],
        json!("get_metrics")
    );
}

#[tokio::test]
async fn the_info_block_and_servers_are_ours() {
    let (_server, spec) = document().await;
    let info = &spec["info"];
    assert_eq!(info["title"], json!("CMA Client Portal API"));
    let description = info["description"].as_str().expect("description");
    assert!(description.contains("CMA Client Portal"), "{description}");
    assert!(
        info["contact"].is_null() && info["license"].is_null(),
        "{info}"
    );
    let text = spec.to_string();
    for foreign in ["Utoipa", "Juha", "MIT OR Apache"] {
        assert!(!text.contains(foreign), "{foreign} in the document");
    }
    let servers = spec["servers"].as_array().expect("servers");
    assert!(!servers.is_empty() && servers.iter().all(|s| s["url"].is_string()));
}

#[tokio::test]
async fn integers_have_one_width_and_null_only_where_it_means_something() {
    let (_server, spec) = document().await;
    let mut found = Vec::new();
    objects(&spec, "", &mut found);
    for (at, object) in &found {
        let kind = object.get("type");
        let is_integer = kind == Some(&json!("integer"))
            || kind
                .and_then(Value::as_array)
                .is_some_and(|k| k.contains(&json!("integer")));
        if is_integer {
            assert_eq!(object.get("format"), Some(&json!("int64")), "{at}");
        }
        // `null` only where it means something: clearing a quote's expiry,
        // and the fields the contract names as always present.
        let nullable = kind
            .and_then(Value::as_array)
            .is_some_and(|k| k.contains(&json!("null")))
            || kind == Some(&json!("null"));
        if nullable {
            assert!(
                [
                    "/components/schemas/QuoteChanges/properties/expires_on",
                    "/components/schemas/Portal/properties/invite_email",
                    "/components/schemas/Portal/properties/invited_at",
                    "/components/schemas/AuditEvent/properties/data",
                ]
                .iter()
                .any(|allowed| at.starts_with(allowed)),
                "{at} is nullable"
            );
        }
    }
    // The revision is the same integer in views and in bodies.
    let schemas = &spec["components"]["schemas"];
    assert_eq!(
        schemas["QuoteView"]["properties"]["revision"]["format"],
        schemas["AcceptBody"]["properties"]["revision"]["format"]
    );
}

#[tokio::test]
async fn enums_and_constraints_the_server_enforces_are_declared() {
    let (_server, spec) = document().await;
    let field = |schema: &str, name: &str| -> Value {
        spec["components"]["schemas"][schema]["properties"][name].clone()
    };
    let values = |schema: &str, name: &str| -> Vec<String> {
        field(schema, name)["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema}.{name} has no enum"))
            .iter()
            .map(text)
            .collect()
    };
    assert_eq!(
        values("QuoteView", "status"),
        ["draft", "sent", "accepted", "expired", "withdrawn"]
    );
    assert_eq!(
        values("Portal", "status"),
        ["not_invited", "invited", "active", "suspended"]
    );
    assert_eq!(
        values("EmailSummary", "state"),
        ["pending", "sent", "failed"]
    );
    assert!(values("EmailSummary", "kind").contains(&"portal_invite".to_owned()));
    assert_eq!(values("Message", "author"), ["client", "staff"]);
    assert_eq!(values("DiaryEntry", "booked_by"), ["client", "staff"]);
    let certificate = operation(&spec, "GET", "/api/v1/audit/quotes/{id}/certificate");
    let format = certificate["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "format")
        .expect("format");
    assert_eq!(format["schema"]["enum"], json!(["html", "text"]));
    for (schema, name) in [
        ("SignupRequest", "owner_password"),
        ("LinkPasswordRequest", "password"),
    ] {
        assert_eq!(
            field(schema, name)["minLength"],
            json!(8),
            "{schema}.{name}"
        );
        assert_eq!(
            field(schema, name)["maxLength"],
            json!(1024),
            "{schema}.{name}"
        );
    }
    assert_eq!(
        field("SignupRequest", "owner_email")["format"],
        json!("email")
    );
    assert_eq!(field("NewEmail", "email")["format"], json!("email"));
    assert!(values("NewQuote", "currency").contains(&"GBP".to_owned()));
    assert!(values("SettingsChange", "time_zone").contains(&"Europe/London".to_owned()));
    assert_eq!(field("AcceptBody", "revision")["maximum"], json!(u32::MAX));
    assert_eq!(
        field("SettingsChange", "slot_minutes")["maximum"],
        json!(480)
    );
    assert_eq!(field("NewInvoice", "number")["maxLength"], json!(64));
    assert!(field("LineBody", "quantity")["pattern"].is_string());
    assert_eq!(field("NewClient", "name")["minLength"], json!(1));
    assert_eq!(field("NewQuote", "title")["minLength"], json!(1));
    assert_eq!(field("MessageBody", "text")["maxLength"], json!(10_000));
    assert!(
        field("AcceptBody", "signature")["maxLength"]
            .as_u64()
            .is_some_and(|n| n > 512 * 1024)
    );
    assert_eq!(field("Problem", "type")["format"], json!("uri"));
}

#[tokio::test]
async fn the_documented_patterns_take_what_the_domain_takes() {
    use cma_domain::money::{MAX_QUANTITY, MAX_SCALE, check_line};
    use cma_domain::text::{Lines, is_refused};
    let (_server, spec) = document().await;
    let pattern = |schema: &str, name: &str| -> regex::Regex {
        let field = &spec["components"]["schemas"][schema]["properties"][name];
        regex::Regex::new(field["pattern"].as_str().expect("a pattern")).expect("a regex")
    };
    let samples = [
        'a', ' ', '\n', '\t', '\r', '\u{1b}', '\u{85}', '\u{a0}', 'é', '\u{61c}',
    ]
    .into_iter()
    .chain([
        '\u{200b}', '\u{200c}', '\u{200d}', '\u{200e}', '\u{2028}', '\u{202e}',
    ])
    .chain([
        '\u{2060}', '\u{2066}', '\u{2069}', '\u{feff}', '\u{180e}', '👩',
    ]);
    for c in samples {
        let text = format!("Pat{c}Smith");
        let name = pattern("NewClient", "name");
        assert_eq!(name.is_match(&text), !is_refused(c, Lines::One), "{c:?}");
        let client = cma_domain::client::email::name(&text);
        assert_eq!(name.is_match(&text), client.is_ok(), "{c:?}");
        let comment = pattern("CommentBody", "text");
        assert_eq!(
            comment.is_match(&text),
            !is_refused(c, Lines::Many),
            "{c:?}"
        );
        let quote = cma_domain::quote::rules::comment(&text);
        assert_eq!(comment.is_match(&text), quote.is_ok(), "{c:?}");
    }
    for blank in ["", " ", "\n\t ", "\u{a0}\u{3000}"] {
        assert!(!pattern("MessageBody", "text").is_match(blank), "{blank:?}");
        assert!(
            !pattern("NewInvoice", "number").is_match(blank),
            "{blank:?}"
        );
    }
    let quantity = pattern("LineBody", "quantity");
    let one = rust_decimal::Decimal::ONE;
    for figure in [
        "0",
        "1",
        "999999.999999",
        "1000000",
        "1000000.000",
        "1000000.1",
        "1.1234567",
    ]
    .into_iter()
    .chain(["-1", "10000000", "1e3", ".5", "1.", "01000000"])
    {
        let read = figure.parse::<rust_decimal::Decimal>().ok();
        let taken = read.is_some_and(|q| check_line(q, one, one).is_ok());
        // The pattern may refuse a figure the server reads (leading zeros),
        // never take one it refuses.
        if quantity.is_match(figure) {
            assert!(taken, "{figure}");
        }
    }
    assert!(quantity.is_match(&MAX_QUANTITY.to_string()));
    assert!(quantity.is_match(&format!("0.{}", "1".repeat(MAX_SCALE as usize))));
    assert!(!quantity.is_match(&format!("0.{}", "1".repeat(MAX_SCALE as usize + 1))));
}

#[tokio::test]
async fn bodies_and_headers_are_typed() {
    let (_server, spec) = document().await;
    for path in ["/api/v1/clients/{id}/files", "/api/v1/portal/files"] {
        let body = &operation(&spec, "POST", path)["requestBody"]["content"]["multipart/form-data"];
        assert_eq!(body["schema"]["required"], json!(["file"]), "{path}");
        assert_eq!(
            body["schema"]["properties"]["file"]["format"],
            json!("binary"),
            "{path}"
        );
    }
    for path in [
        "/api/v1/files/{file_id}/content",
        "/api/v1/portal/files/{file_id}/content",
    ] {
        let body = &operation(&spec, "GET", path)["responses"]["200"]["content"]["application/octet-stream"];
        assert_eq!(
            body["schema"],
            json!({"type": "string", "format": "binary"}),
            "{path}"
        );
    }
    let certificate = &operation(&spec, "GET", "/api/v1/audit/quotes/{id}/certificate")["responses"]
        ["200"]["content"];
    assert!(certificate["text/html"].is_object() && certificate["text/plain"].is_object());
    let components = &spec["components"];
    assert_eq!(
        components["parameters"]["MinPosition"]["name"],
        json!("X-Min-Position")
    );
    assert_eq!(
        components["parameters"]["CsrfToken"]["name"],
        json!("X-CSRF-Token")
    );
    for header in ["RetryAfter", "WwwAuthenticate", "SetCookie"] {
        assert!(component(&spec, "#/components/schemas/Problem").is_some());
        assert!(
            components["headers"][header]["schema"].is_object(),
            "{header}"
        );
    }
    for (method, path, op) in operations(&spec) {
        let parameters = op["parameters"].as_array().expect("parameters");
        // X-Min-Position is one component, referenced, never repeated inline.
        assert!(
            parameters.contains(&json!({"$ref": "#/components/parameters/MinPosition"})),
            "{method} {path}"
        );
        assert!(
            !parameters.iter().any(|p| p["name"] == "X-Min-Position"),
            "{method} {path}"
        );
        for (status, header) in [
            ("401", "WWW-Authenticate"),
            ("429", "Retry-After"),
            ("503", "Retry-After"),
        ] {
            if let Some(answer) = op["responses"].get(status) {
                assert!(
                    answer["headers"][header]["$ref"].is_string(),
                    "{method} {path} {status}"
                );
            }
        }
        assert!(
            op["responses"].get("503").is_some(),
            "{method} {path} declares 503"
        );
    }
    let login = &operation(&spec, "POST", "/api/v1/auth/staff/login")["responses"]["200"];
    assert_eq!(
        login["headers"]["Set-Cookie"]["$ref"],
        json!("#/components/headers/SetCookie")
    );
}

#[tokio::test]
async fn a_read_whose_position_the_log_has_not_reached_answers_409_not_stale_data() {
    let server = Server::start().await;
    let staff = server.signup("owner@sparks.test").await;
    let beyond = server.head().await + 1_000;
    let (status, body) = server
        .get_at("/api/v1/clients", &staff.token, &json!(beyond))
        .await;
    assert_problem(status, &body, StatusCode::CONFLICT);
    assert!(
        text(&body["type"]).ends_with("/position-beyond-head"),
        "{body}"
    );
    assert!(
        text(&body["detail"]).contains(&beyond.to_string()),
        "{body}"
    );
    // A position reached is read as ever.
    let head = server.head().await;
    let (status, _) = server
        .get_at("/api/v1/clients", &staff.token, &json!(head))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_401_says_how_to_authenticate() {
    let server = Server::start().await;
    let response = server.page("/api/v1/clients").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(header(response.headers(), "www-authenticate").starts_with("Bearer"));
}

#[tokio::test]
async fn a_decimal_sent_as_a_json_number_is_a_problem_naming_the_field_and_the_form() {
    let server = Server::start().await;
    let staff = server.signup("owner@sparks.test").await;
    let client = server.client(&staff, "Ada", &[]).await;
    let quantity_as_a_number = json!({"title": "Bathroom", "lines": [
        {"description": "Fit", "quantity": 1, "unit_price": "40.00", "tax_rate": "20",
         "optional": false, "selected": true}]});
    let (status, body) = server
        .draft_quote(&staff.token, &client, quantity_as_a_number)
        .await;
    assert_problem(status, &body, StatusCode::BAD_REQUEST);
    let detail = text(&body["detail"]);
    assert!(
        detail.contains("`lines[0].quantity`")
            && detail.contains("string")
            && detail.contains("\"1.50\""),
        "{detail}"
    );
}

/// The document's `integer` is JSON Schema's: `30.0` is the whole number 30
/// and is read as such; a fraction is still refused.
#[tokio::test]
async fn an_integer_written_with_a_zero_fraction_is_read_as_that_integer() {
    let server = Server::start().await;
    let boss = server.signup("owner@whole.example").await;
    let whole = json!({"slot_minutes": 30.0});
    let (status, saved) = server.save_settings(&boss.token, whole).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, settings) = server
        .get_at("/api/v1/team/settings", &boss.token, &saved["position"])
        .await;
    assert_eq!(settings["slot_minutes"], json!(30));
    for refused in [json!(30.5), json!(-1), json!(4_294_967_296_u64)] {
        let slot = json!({"slot_minutes": refused});
        let (status, problem) = server.save_settings(&boss.token, slot).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}: {problem}");
    }
}
