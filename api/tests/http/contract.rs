//! docs/api.md, table by table, against the served OpenAPI document: every
//! route with the statuses docs/api.md names, and every request and response
//! field it names, with the fields docs/api.md does not mark optional (`?`)
//! required. (The authorization matrix checks real answers against the same
//! schemas, so the document speaks for the API.)

use crate::schema::{component, declares, operation};
use crate::support::*;
use serde_json::Value;

/// One row of docs/api.md: method, path, request body, the success status and
/// answer, and the other statuses the row names.
struct Row(
    &'static str,
    &'static str,
    Option<&'static str>,
    u16,
    Answer,
    &'static [u16],
);

enum Answer {
    /// A JSON body with (at least) these fields.
    Json(&'static str),
    /// No body.
    Empty,
    /// A body of this media type (bytes, a printable certificate).
    Media(&'static str),
}

const QUOTE_VIEW: &str = "{quote_id, client_id, title, currency, status, revision, \
     expires_on?, lines: [{line_id, description, quantity, unit_price, tax_rate, optional, \
     selected, net, tax, total, comments: [{author, text, at}]}], totals: {subtotal, tax, \
     total}, acceptance?: {name, accepted_at, ip}}";
const INVOICE_VIEW: &str = "{invoice_id, number, status, lines, totals: {subtotal, tax, \
     total}, amount_paid, amount_due, due_on}";

use Answer::{Empty, Json, Media};

#[rustfmt::skip]
const ROUTE_TABLES: &[Row] = &[
    // Teams and staff
    Row("POST", "/api/v1/teams",
        Some("{business_name, owner_name, owner_email, owner_password, time_zone?}"),
        201, Json("{team_id, staff_id, position}"), &[]),
    Row("POST", "/api/v1/auth/staff/login", Some("{email, password}"),
        200, Json("{token, staff_id, team_id}"), &[401, 429]),
    Row("POST", "/api/v1/auth/logout", None, 204, Empty, &[401]),
    Row("GET", "/api/v1/team/settings", None, 200,
        Json("{business_name, time_zone, working_hours, slot_minutes, invite_email: {subject, body}, branding}"), &[]),
    Row("PUT", "/api/v1/team/settings",
        Some("{business_name?, time_zone?, working_hours?, slot_minutes?, invite_email?: {subject, body}, branding?}"),
        200, Json("{position}"), &[]),
    // Clients and portal access
    Row("POST", "/api/v1/clients", Some("{name, emails: [..]}"), 201,
        Json("{client_id, position}"), &[]),
    Row("GET", "/api/v1/clients", None, 200,
        Json("{clients: [{client_id, name, emails: [..], portal: {status}}]}"), &[]),
    Row("GET", "/api/v1/clients/{id}", None, 200,
        Json("{client_id, name, emails: [..], portal: {status, invite_email, enabled, sections: {quotes, invoices, files, meetings, messages}, invited_at}}"),
        &[404]),
    Row("POST", "/api/v1/clients/{id}/emails", Some("{email}"), 200, Json("{position}"), &[]),
    Row("POST", "/api/v1/clients/{id}/portal/invite",
        Some("{email, sections: {quotes, invoices, files, meetings, messages}}"),
        200, Json("{position}"), &[422]),
    Row("PUT", "/api/v1/clients/{id}/portal/access", Some("{enabled?, sections?: {...}}"),
        200, Json("{position}"), &[]),
    // Quotes
    Row("POST", "/api/v1/clients/{id}/quotes",
        Some("{title, currency, expires_on?, lines: [{description, quantity, unit_price, tax_rate, optional, selected}]}"),
        201, Json("{quote_id, position}"), &[]),
    Row("GET", "/api/v1/quotes/{id}", None, 200, Json(QUOTE_VIEW), &[]),
    Row("GET", "/api/v1/clients/{id}/quotes", None, 200,
        Json("{quotes: [{quote_id, title, status, revision, totals}]}"), &[]),
    Row("PUT", "/api/v1/quotes/{id}", Some("{title?, expires_on?, lines?}"), 200,
        Json("{revision, position}"), &[409]),
    Row("POST", "/api/v1/quotes/{id}/send", None, 200, Json("{position}"), &[]),
    Row("POST", "/api/v1/quotes/{id}/withdraw", None, 200, Json("{position}"), &[409]),
    Row("POST", "/api/v1/quotes/{id}/lines/{line_id}/comments", Some("{text}"), 201,
        Json("{position}"), &[]),
    // Invoices
    Row("POST", "/api/v1/clients/{id}/invoices",
        Some("{number?, currency, due_on, lines: [{description, quantity, unit_price, tax_rate}]}"),
        201, Json("{invoice_id, position}"), &[]),
    Row("GET", "/api/v1/clients/{id}/invoices", None, 200,
        Json("{invoices: [{invoice_id, number, status, totals, amount_due}]}"), &[]),
    Row("POST", "/api/v1/invoices/{id}/payments", Some("{amount, paid_on}"), 200,
        Json("{position}"), &[]),
    Row("GET", "/api/v1/invoices/{id}", None, 200, Json(INVOICE_VIEW), &[]),
    // Files, messages, diary
    Row("GET", "/api/v1/clients/{id}/files", None, 200,
        Json("{files: [{file_id, name, content_type, size, uploaded_by, uploaded_at}]}"), &[]),
    Row("POST", "/api/v1/clients/{id}/files", None, 201, Json("{file_id, position}"), &[413, 415]),
    Row("GET", "/api/v1/files/{file_id}/content", None, 200, Media("application/octet-stream"), &[]),
    Row("GET", "/api/v1/inbox", None, 200,
        Json("{threads: [{client_id, client_name, last_message_at, unread}]}"), &[]),
    Row("GET", "/api/v1/clients/{id}/messages", None, 200,
        Json("{messages: [{message_id, author, text, at}]}"), &[]),
    Row("POST", "/api/v1/clients/{id}/messages", Some("{text}"), 201,
        Json("{message_id, position}"), &[]),
    Row("GET", "/api/v1/diary", None, 200,
        Json("{appointments: [{appointment_id, client_id?, starts_at, ends_at, status, booked_by}]}"), &[]),
    Row("POST", "/api/v1/diary/appointments", Some("{client_id?, starts_at, ends_at, title?}"),
        201, Json("{appointment_id, position}"), &[]),
    Row("POST", "/api/v1/diary/appointments/{id}/cancel", None, 200, Json("{position}"), &[]),
    Row("GET", "/api/v1/emails", None, 200,
        Json("{emails: [{email_id, to, subject, kind, state, attempts, last_error?, created_at, sent_at?}]}"), &[]),
    // Client portal
    Row("POST", "/api/v1/auth/portal/set-password", Some("{token, password}"), 200,
        Json("{token, client_id, position}"), &[400, 429]),
    Row("POST", "/api/v1/auth/portal/login", Some("{email, password}"), 200,
        Json("{token, client_id}"), &[401, 403, 429]),
    Row("POST", "/api/v1/auth/portal/reset-request", Some("{email}"), 202, Empty, &[429]),
    Row("POST", "/api/v1/auth/portal/reset", Some("{token, password}"), 200, Json("{...}"), &[400, 429]),
    Row("GET", "/api/v1/portal/me", None, 200,
        Json("{client_id, name, business_name, branding, sections: {quotes, invoices, files, meetings, messages}}"), &[]),
    Row("GET", "/api/v1/portal/quotes", None, 200,
        Json("{quotes: [{quote_id, title, status, totals}]}"), &[403]),
    Row("GET", "/api/v1/portal/quotes/{id}", None, 200, Json(QUOTE_VIEW), &[403, 404]),
    Row("PUT", "/api/v1/portal/quotes/{id}/lines/{line_id}", Some("{selected}"), 200,
        Json("{totals, position}"), &[409, 422]),
    Row("POST", "/api/v1/portal/quotes/{id}/lines/{line_id}/comments", Some("{text}"), 201,
        Json("{position}"), &[]),
    Row("POST", "/api/v1/portal/quotes/{id}/accept", Some("{name, signature}"), 200,
        Json("{accepted_at, position}"), &[409, 422]),
    Row("GET", "/api/v1/portal/invoices", None, 200,
        Json("{invoices: [{invoice_id, number, status, totals, amount_due}]}"), &[403]),
    Row("GET", "/api/v1/portal/invoices/{id}", None, 200, Json(INVOICE_VIEW), &[403]),
    Row("GET", "/api/v1/portal/files", None, 200, Json("{files: [..]}"), &[403]),
    Row("POST", "/api/v1/portal/files", None, 201, Json("{file_id, position}"), &[403, 413, 415]),
    Row("GET", "/api/v1/portal/files/{file_id}/content", None, 200,
        Media("application/octet-stream"), &[403]),
    Row("GET", "/api/v1/portal/messages", None, 200, Json("{messages: [..]}"), &[403]),
    Row("POST", "/api/v1/portal/messages", Some("{text}"), 201,
        Json("{message_id, position}"), &[403]),
    Row("GET", "/api/v1/portal/meetings/slots", None, 200,
        Json("{slots: [{starts_at, ends_at}]}"), &[403]),
    Row("GET", "/api/v1/portal/meetings", None, 200,
        Json("{meetings: [{appointment_id, starts_at, ends_at, status, can_cancel}]}"), &[403]),
    Row("POST", "/api/v1/portal/meetings", Some("{starts_at}"), 201,
        Json("{appointment_id, position}"), &[403, 409, 422]),
    Row("POST", "/api/v1/portal/meetings/{id}/cancel", None, 200, Json("{position}"), &[403, 422]),
    // Audit
    Row("GET", "/api/v1/audit/quotes/{id}", None, 200,
        Json("{quote_id, chain_valid, events: [{position, stream_version, type, recorded_at, actor, data, hash, prev_hash}], acceptance?: {name, accepted_at, ip, user_agent, signature_sha256, content_sha256, selected_lines, totals}}"),
        &[]),
    Row("GET", "/api/v1/audit/quotes/{id}/certificate", None, 200, Media("text/html"), &[]),
    // Health, readiness, metrics, the document
    Row("GET", "/healthz", None, 200, Media("text/plain"), &[]),
    Row("GET", "/readyz", None, 200, Json("{...}"), &[]),
    Row("GET", "/metrics", None, 200, Media("text/plain; version=0.0.4"), &[]),
    Row("GET", "/api/v1/openapi.json", None, 200, Json("{...}"), &[]),
];

/// docs/api.md's shape notation: `{a, b?, c: [{d}], e: {f}}`; `{...}` and
/// `[..]` say nothing of what is inside.
#[derive(Debug)]
enum Shape {
    Any,
    Object(Vec<(String, bool, Shape)>),
    Array(Box<Shape>),
}

fn parse(text: &str) -> Shape {
    let tokens: Vec<String> = tokenize(text);
    let mut at = 0;
    let shape = parse_value(&tokens, &mut at);
    assert_eq!(at, tokens.len(), "trailing text in {text}");
    shape
}

fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' || c == '.' || c == '?' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            tokens.push(std::mem::take(&mut word));
        }
        if "{}[],:".contains(c) {
            tokens.push(c.to_string());
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    tokens
}

fn parse_value(tokens: &[String], at: &mut usize) -> Shape {
    let token = tokens[*at].as_str();
    *at += 1;
    match token {
        "{" if tokens[*at] == "..." => {
            *at += 2;
            Shape::Any
        }
        "{" => {
            let mut fields = Vec::new();
            loop {
                let name = tokens[*at].clone();
                *at += 1;
                let (name, optional) = match name.strip_suffix('?') {
                    Some(bare) => (bare.to_owned(), true),
                    None => (name, false),
                };
                let inner = if tokens[*at] == ":" {
                    *at += 1;
                    parse_value(tokens, at)
                } else {
                    Shape::Any
                };
                fields.push((name, optional, inner));
                *at += 1;
                if tokens[*at - 1] == "}" {
                    return Shape::Object(fields);
                }
            }
        }
        "[" if tokens[*at] == ".." => {
            *at += 2;
            Shape::Array(Box::new(Shape::Any))
        }
        "[" => {
            let inner = parse_value(tokens, at);
            *at += 1;
            Shape::Array(Box::new(inner))
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// The schema, with references followed and a `oneOf` with `null` unwrapped.
fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    if let Some(target) = schema["$ref"].as_str().and_then(|r| component(spec, r)) {
        return resolve(spec, target);
    }
    if let Some(variant) = schema["oneOf"]
        .as_array()
        .and_then(|vs| vs.iter().find(|v| v["type"] != "null"))
    {
        return resolve(spec, variant);
    }
    schema
}

/// Where `schema` lacks what `shape` names.
fn gaps(spec: &Value, schema: &Value, shape: &Shape, at: &str, found: &mut Vec<String>) {
    let schema = resolve(spec, schema);
    match shape {
        Shape::Any => {}
        Shape::Array(inner) => {
            if schema["type"] != "array" {
                found.push(format!("{at}: not an array"));
                return;
            }
            gaps(spec, &schema["items"], inner, &format!("{at}[]"), found);
        }
        Shape::Object(fields) => {
            for (name, optional, inner) in fields {
                let here = format!("{at}.{name}");
                let Some(field) = schema["properties"].get(name) else {
                    found.push(format!("{here}: missing"));
                    continue;
                };
                let required = schema["required"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|n| n == name.as_str()));
                if required == *optional {
                    found.push(format!(
                        "{here}: {} in docs/api.md but {} in the schema",
                        if *optional {
                            "optional"
                        } else {
                            "always there"
                        },
                        if required { "required" } else { "optional" },
                    ));
                }
                gaps(spec, field, inner, &here, found);
            }
        }
    }
}

#[tokio::test]
async fn the_document_has_every_route_status_and_field_of_the_route_tables() {
    let server = Server::start().await;
    let (_, spec) = server.get("/api/v1/openapi.json", None).await;
    let mut found = Vec::new();
    for Row(method, path, request, status, response, others) in ROUTE_TABLES {
        let route = format!("{method} {path}");
        let op = operation(&spec, method, path);
        if op.is_null() {
            found.push(format!("{route}: not documented"));
            continue;
        }
        for named in std::iter::once(status).chain(*others) {
            if !declares(op, *named) {
                found.push(format!("{route}: {named} not declared"));
            }
        }
        let answer = &op["responses"][status.to_string()];
        match response {
            Json(shape) => gaps(
                &spec,
                &answer["content"]["application/json"]["schema"],
                &parse(shape),
                &format!("{route} {status}"),
                &mut found,
            ),
            Empty => {
                if !answer["content"].is_null() {
                    found.push(format!("{route}: a body where docs/api.md has none"));
                }
            }
            Media(media) => {
                if answer["content"][*media].is_null() {
                    found.push(format!("{route}: no {media} answer"));
                }
            }
        }
        if let Some(shape) = request {
            gaps(
                &spec,
                &op["requestBody"]["content"]["application/json"]["schema"],
                &parse(shape),
                &format!("{route} request"),
                &mut found,
            );
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_shape_notation_reads_as_the_route_tables_write_it() {
    let Shape::Object(fields) = parse("{a, b?, c: [{d}], e: {...}, f: [..]}") else {
        panic!("an object");
    };
    let names: Vec<(&str, bool)> = fields.iter().map(|(n, o, _)| (n.as_str(), *o)).collect();
    assert_eq!(
        names,
        [
            ("a", false),
            ("b", true),
            ("c", false),
            ("e", false),
            ("f", false)
        ]
    );
    assert!(matches!(&fields[2].2, Shape::Array(inner) if matches!(**inner, Shape::Object(_))));
    assert!(matches!(fields[3].2, Shape::Any));
    assert!(matches!(&fields[4].2, Shape::Array(inner) if matches!(**inner, Shape::Any)));
}
