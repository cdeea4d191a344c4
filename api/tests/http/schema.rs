//! Reading the served OpenAPI document: an operation's declared answers,
//! and whether a JSON body matches the schema the document gives it (the
//! subset of JSON Schema the generator writes: `$ref`, `type`,
//! `properties`, `required`, `items`, `additionalProperties`, `oneOf`,
//! `allOf`, `enum`, `minLength`, `maxLength`, `pattern`, `minimum`,
//! `maximum`, `minItems`, `maxItems` and the `uuid`, `date`, `date-time`
//! and `email` formats).

use serde_json::Value;

/// The operation `method path` of the document (`Value::Null` if absent).
pub fn operation<'a>(spec: &'a Value, method: &str, path: &str) -> &'a Value {
    &spec["paths"][path][method.to_lowercase()]
}

/// Whether the operation declares an answer with this status.
pub fn declares(operation: &Value, status: u16) -> bool {
    !operation["responses"][status.to_string()].is_null()
}

/// The component a `#/components/schemas/...` reference names.
pub fn component<'a>(spec: &'a Value, reference: &str) -> Option<&'a Value> {
    let name = reference.strip_prefix("#/components/schemas/")?;
    spec["components"]["schemas"].get(name)
}

/// Every way `value` departs from `schema`, each with where it does.
pub fn violations(spec: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut found = Vec::new();
    check(spec, schema, value, at, &mut found);
    found
}

fn check(spec: &Value, schema: &Value, value: &Value, at: &str, found: &mut Vec<String>) {
    if let Some(reference) = schema["$ref"].as_str() {
        match component(spec, reference) {
            Some(target) => check(spec, target, value, at, found),
            None if reference.starts_with("https://") => {}
            None => found.push(format!("{at}: unresolved reference {reference}")),
        }
        return;
    }
    if let Some(all) = schema["allOf"].as_array() {
        for part in all {
            check(spec, part, value, at, found);
        }
    }
    if let Some(variants) = schema["oneOf"].as_array() {
        let matching = variants
            .iter()
            .filter(|v| violations(spec, v, value, at).is_empty())
            .count();
        if matching != 1 {
            found.push(format!("{at}: {value} matches {matching} of oneOf"));
        }
    }
    if !has_type(schema, value) {
        found.push(format!("{at}: {value} is not of type {}", schema["type"]));
        return;
    }
    if let (Some(text), Some(format)) = (value.as_str(), schema["format"].as_str())
        && !formatted(format, text)
    {
        found.push(format!("{at}: {text:?} is not a {format}"));
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        found.push(format!("{at}: {value} is not one of {}", schema["enum"]));
    }
    bounds(schema, value, at, found);
    if let (Some(text), Some(pattern)) = (value.as_str(), schema["pattern"].as_str()) {
        let matches = regex::Regex::new(pattern)
            .unwrap_or_else(|e| panic!("{at}: the pattern {pattern:?} is not a regex: {e}"))
            .is_match(text);
        if !matches {
            found.push(format!("{at}: {text:?} does not match {pattern}"));
        }
    }
    if let Some(items) = value.as_array() {
        for (i, item) in items.iter().enumerate() {
            check(spec, &schema["items"], item, &format!("{at}[{i}]"), found);
        }
    }
    if let Some(object) = value.as_object() {
        object_violations(spec, schema, object, at, found);
    }
}

/// The bounds of `schema` that `value` breaks: a string's length in
/// characters, a number, an array's count of items; each keyword with what
/// a value under or over it is said to be.
fn bounds(schema: &Value, value: &Value, at: &str, found: &mut Vec<String>) {
    let (size, shown, [(low, under), (high, over)]) = match value {
        Value::String(text) => (
            text.chars().count() as f64,
            format!("{text:?}"),
            [
                ("minLength", "is shorter than"),
                ("maxLength", "is longer than"),
            ],
        ),
        Value::Number(n) => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            (
                n,
                n.to_string(),
                [("minimum", "is below"), ("maximum", "is above")],
            )
        }
        Value::Array(items) => (
            items.len() as f64,
            items.len().to_string(),
            [
                ("minItems", "items, fewer than"),
                ("maxItems", "items, more than"),
            ],
        ),
        _ => return,
    };
    if schema[low].as_f64().is_some_and(|min| size < min) {
        found.push(format!("{at}: {shown} {under} {}", schema[low]));
    }
    if schema[high].as_f64().is_some_and(|max| size > max) {
        found.push(format!("{at}: {shown} {over} {}", schema[high]));
    }
}

fn object_violations(
    spec: &Value,
    schema: &Value,
    object: &serde_json::Map<String, Value>,
    at: &str,
    found: &mut Vec<String>,
) {
    for name in schema["required"].as_array().into_iter().flatten() {
        if let Some(name) = name.as_str()
            && !object.contains_key(name)
        {
            found.push(format!("{at}: required field {name} is missing"));
        }
    }
    let properties = schema["properties"].as_object();
    let additional = &schema["additionalProperties"];
    for (name, field) in object {
        let here = format!("{at}.{name}");
        match properties.and_then(|p| p.get(name)) {
            Some(declared) => check(spec, declared, field, &here, found),
            None if additional.is_object() => check(spec, additional, field, &here, found),
            // A free-form object (no declared fields) takes any.
            None if properties.is_none() && additional.is_null() => {}
            None => found.push(format!("{here}: not in the schema")),
        }
    }
}

fn has_type(schema: &Value, value: &Value) -> bool {
    let kinds: Vec<&str> = match &schema["type"] {
        Value::String(kind) => vec![kind.as_str()],
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => return true,
    };
    kinds.iter().any(|kind| match *kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    })
}

fn formatted(format: &str, text: &str) -> bool {
    match format {
        "uuid" => uuid::Uuid::parse_str(text).is_ok(),
        "date-time" => cma_domain::Timestamp::parse_rfc3339(text).is_some(),
        "date" => text.parse::<jiff::civil::Date>().is_ok(),
        "email" => text
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.')),
        _ => true,
    }
}

#[test]
fn a_body_that_departs_from_its_schema_is_reported() {
    let spec = serde_json::json!({"components": {"schemas": {
        "Thing": {"type": "object", "required": ["id", "at"], "properties": {
            "id": {"type": "string", "format": "uuid"},
            "at": {"type": "string", "format": "date-time"},
            "on": {"type": ["string", "null"], "format": "date"},
            "n": {"type": "integer", "minimum": 0},
            "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "few": {"type": "array", "minItems": 1, "items": {"type": "string"}},
            "tags": {"type": "array", "items": {"type": "string"}},
            "inner": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Inner"}]}
        }},
        "Inner": {"type": "object", "properties": {"ok": {"type": "boolean"}}}
    }}});
    let schema = serde_json::json!({"$ref": "#/components/schemas/Thing"});
    let good = serde_json::json!({"id": "6f1c3c56-8d4e-4a57-9d35-3c1e0b2a7f10",
        "at": "2026-12-07T09:30:00Z", "on": null, "n": 3, "tags": ["a"], "inner": {"ok": true}});
    assert_eq!(
        violations(&spec, &schema, &good, "body"),
        Vec::<String>::new()
    );
    let bad = serde_json::json!({"id": "not-a-uuid", "on": "7 Dec", "n": "3",
        "tags": [1], "inner": {"ok": "yes"}, "extra": 1, "code": "gbp", "few": []});
    let negative = serde_json::json!({"id": "6f1c3c56-8d4e-4a57-9d35-3c1e0b2a7f10",
        "at": "2026-12-07T09:30:00Z", "n": -1});
    assert_eq!(
        violations(&spec, &schema, &negative, "body"),
        ["body.n: -1 is below 0"]
    );
    let found = violations(&spec, &schema, &bad, "body");
    for expected in [
        "body: required field at is missing",
        "body.id: \"not-a-uuid\" is not a uuid",
        "body.on: \"7 Dec\" is not a date",
        "body.n: \"3\" is not of type \"integer\"",
        "body.tags[0]: 1 is not of type \"string\"",
        "body.inner: {\"ok\":\"yes\"} matches 0 of oneOf",
        "body.extra: not in the schema",
        "body.code: \"gbp\" does not match ^[A-Z]{3}$",
        "body.few: 0 items, fewer than 1",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected} not in {found:#?}"
        );
    }
}
