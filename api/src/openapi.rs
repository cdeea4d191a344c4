//! The OpenAPI 3.1 document served at `/api/v1/openapi.json`: what each
//! route's `#[utoipa::path]` says, completed with what the routes share —
//! how a caller presents a session, the `X-Min-Position` header, and the
//! RFC 9457 problem every error answers with.

use crate::http::consistency::MIN_POSITION;
use crate::http::cookies;
use crate::http::problem::Problem;
use std::sync::LazyLock;
use utoipa::PartialSchema;
use utoipa::openapi::path::{Operation, Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{Components, Content, OpenApi, Ref, RefOr, Required, Response};

const BEARER: &str = "bearer";
const SESSION_COOKIE: &str = "session_cookie";
const PROBLEM: &str = "Problem";
const PROBLEM_JSON: &str = "application/problem+json";

/// The document of every route, built once.
pub fn document() -> &'static OpenApi {
    static DOCUMENT: LazyLock<OpenApi> =
        LazyLock::new(|| complete(crate::routes::api().into_openapi()));
    &DOCUMENT
}

/// `openapi` with the title, the session schemes, the shared header and
/// the shared answers added.
fn complete(mut openapi: OpenApi) -> OpenApi {
    openapi.info.title = "CMA Client Portal API".to_owned();
    openapi.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let components = openapi.components.get_or_insert_with(Components::new);
    components
        .schemas
        .insert(PROBLEM.to_owned(), Problem::schema());
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("the `token` every login answers with"))
                .build(),
        ),
    );
    components.add_security_scheme(
        SESSION_COOKIE,
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            cookies::SESSION,
            "the cookie every login sets; a request other than GET, HEAD, OPTIONS or TRACE \
             must also send the `cma_csrf` cookie's value in the `X-CSRF-Token` header",
        ))),
    );
    // Routes need a session unless they say otherwise (`security(())`).
    openapi.security = Some(vec![
        SecurityRequirement::new(BEARER, Vec::<String>::new()),
        SecurityRequirement::new(SESSION_COOKIE, Vec::<String>::new()),
    ]);
    for item in openapi.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            complete_operation(operation);
        }
    }
    openapi
}

fn complete_operation(operation: &mut Operation) {
    let needs_session = operation.security.is_none();
    let parameters = operation.parameters.get_or_insert_with(Vec::new);
    let has_path_ids = parameters
        .iter()
        .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Path));
    parameters.push(RefOr::T(min_position()));
    let takes_json = operation
        .request_body
        .as_ref()
        .is_some_and(|b| matches!(b, RefOr::T(b) if b.content.contains_key("application/json")));
    let responses = &mut operation.responses.responses;
    let mut shared = vec!["400"];
    if needs_session {
        shared.extend(["401", "403"]);
    }
    if has_path_ids {
        shared.push("404");
    }
    if takes_json {
        shared.extend(["413", "415"]);
    }
    for status in shared {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(Response::new("")));
    }
    for (status, response) in responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        if !status.starts_with(['4', '5']) {
            continue;
        }
        if response.description.is_empty() {
            response.description = meaning(status).to_owned();
        }
        if response.content.is_empty() {
            response.content.insert(
                PROBLEM_JSON.to_owned(),
                RefOr::T(Content::new(Some(Ref::from_schema_name(PROBLEM)))),
            );
        }
    }
}

/// What an error status means in this API (API.md's conventions).
fn meaning(status: &str) -> &'static str {
    match status {
        "400" => {
            "malformed request: bad JSON, a wrong type or a missing field, a path id that is \
             not a UUID, an unparsable query, or an `X-Min-Position` that is not an integer"
        }
        "401" => "not logged in, or the session was revoked or has expired",
        "403" => {
            "logged in but not allowed: the wrong role, a section that is off, or a cookie \
             session without the `X-CSRF-Token` header"
        }
        "404" => "not found, or outside the caller's scope (existence is never revealed)",
        "409" => "conflict with the current state",
        "413" => "the body is too large",
        "415" => "the body is not of a type this route takes",
        "422" => "well-formed, but breaks a business rule",
        "429" => "too many attempts; wait and try again",
        _ => "an error",
    }
}

/// `X-Min-Position`, which any request may send.
fn min_position() -> Parameter {
    ParameterBuilder::new()
        .name(MIN_POSITION)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "wait (at most 5 s) until the read models have processed this event-log \
             position, e.g. the `position` a command answered with",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .minimum(Some(0)),
        ))
        .build()
}
