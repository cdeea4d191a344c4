//! Arbitrary JSON and bytes on every route that takes a JSON body.

use crate::support::*;
use crate::{count_panics, run, success_or_problem, unpooled};
use proptest::prelude::*;
use proptest::sample::Index;
use reqwest::Method;
use serde_json::{Map, Value, json};

/// One operation that takes a JSON body: method, path template, and the
/// top-level fields its schema names.
#[derive(Debug, Clone)]
struct Operation {
    method: Method,
    path: String,
    fields: Vec<String>,
}

/// Every operation of the served document with a JSON request body, but
/// logging out (which would end the session the other cases use).
fn operations() -> Vec<Operation> {
    let doc = cma_api::openapi::document();
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let Some(schema) = op["requestBody"]["content"].get("application/json") else {
                continue;
            };
            if path.ends_with("/logout") {
                continue;
            }
            let mut schema = &schema["schema"];
            if let Some(name) = schema["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                schema = &doc["components"]["schemas"][name];
            }
            let fields = schema["properties"]
                .as_object()
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            all.push(Operation {
                method: method.to_uppercase().parse().expect("method"),
                path: path.clone(),
                fields,
            });
        }
    }
    assert!(all.len() > 20, "the document lists the command routes");
    all
}

/// Strings that reach parsers: decimals, dates, ids, data URLs, long and
/// hostile text, and any Unicode.
fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "-?[0-9]{1,40}(\\.[0-9]{0,40})?",
        "[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2}))?",
        Just(uuid::Uuid::new_v4().to_string()),
        "data:image/png;base64,[A-Za-z0-9+/=]{0,64}",
        "[a-z]{1,8}@[a-z]{1,8}\\.[a-z]{2,3}",
        "\\PC{0,8}[\u{0}-\u{1f}\u{7f}-\u{9f}\u{200b}-\u{200f}\u{202a}-\u{202e}\u{2066}-\u{2069}\u{feff}]{1,4}\\PC{0,8}",
        (any::<char>(), 0..20_000usize).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|x| json!(x)),
        string().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::vec((string(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// What is posted.
#[derive(Debug, Clone)]
enum Body {
    /// Any JSON value.
    Json(Value),
    /// An object of the route's own fields (picked by index), any values.
    Fields(Vec<(Index, Value)>),
    /// Any bytes, labelled JSON.
    Bytes(Vec<u8>),
    /// Arrays nested this deep.
    Nested(usize),
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        json_value().prop_map(Body::Json),
        proptest::collection::vec((any::<Index>(), json_value()), 0..8).prop_map(Body::Fields),
        proptest::collection::vec(any::<u8>(), 0..512).prop_map(Body::Bytes),
        (1..200_000usize).prop_map(Body::Nested),
    ]
}

impl Body {
    fn bytes(&self, fields: &[String]) -> Vec<u8> {
        match self {
            Body::Json(value) => value.to_string().into_bytes(),
            Body::Fields(pairs) => {
                let object: Map<String, Value> = pairs
                    .iter()
                    .filter(|_| !fields.is_empty())
                    .map(|(i, v)| (fields[i.index(fields.len())].clone(), v.clone()))
                    .collect();
                Value::Object(object).to_string().into_bytes()
            }
            Body::Bytes(bytes) => bytes.clone(),
            Body::Nested(depth) => {
                let mut text = "[".repeat(*depth);
                text.push_str(&"]".repeat(*depth));
                text.into_bytes()
            }
        }
    }
}

/// Who sends it.
#[derive(Debug, Clone, Copy)]
enum Caller {
    Staff,
    Client,
    Nobody,
}

#[test]
fn any_json_or_bytes_on_any_command_route_is_a_success_or_a_problem() {
    count_panics();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (server, staff, client) = runtime.block_on(async {
        let server = Server::start().await;
        let staff = server.signup("owner@fuzz.test").await;
        let client = server
            .portal_client(&staff, "Pat Fuzz", "pat@fuzz.test", all_sections())
            .await;
        (server, staff, client)
    });
    let operations = operations();
    let caller = prop_oneof![
        Just(Caller::Staff),
        Just(Caller::Client),
        Just(Caller::Nobody)
    ];
    let ids = prop_oneof![
        Just(client.client_id.clone()),
        Just(uuid::Uuid::new_v4().to_string()),
        "[a-zA-Z0-9%._~-]{0,40}",
    ];
    let strategy = (any::<Index>(), body(), caller, ids);
    let http = unpooled();
    run(strategy, |(pick, body, caller, id)| {
        let op = &operations[pick.index(operations.len())];
        let path = op
            .path
            .replace("{id}", &id)
            .replace("{line_id}", &id)
            .replace("{file_id}", &id);
        let mut request = http
            .request(op.method.clone(), server.url(&path))
            .header("content-type", "application/json")
            .body(body.bytes(&op.fields));
        match caller {
            Caller::Staff => request = request.bearer_auth(&staff.token),
            Caller::Client => request = request.bearer_auth(&client.token),
            Caller::Nobody => {}
        }
        let what = format!("{} {path}", op.method);
        runtime.block_on(async { success_or_problem(&what, request.send().await).await })?;
        Ok(())
    });
}
