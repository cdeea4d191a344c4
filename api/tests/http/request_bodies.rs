//! docs/api.md's "Request bodies": one JSON example per operation that
//! takes a JSON body, no more, each matching its schema in the served
//! document; every upload named.

use crate::schema::violations;
use crate::support::*;
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The section's examples by `METHOD path`, and its text.
fn examples() -> (BTreeMap<String, Value>, String) {
    let doc = include_str!("../../../docs/api.md");
    let start = doc
        .find("\n## Request bodies\n")
        .expect("docs/api.md has a Request bodies section");
    let rest = &doc[start + 1..];
    let section = match rest[3..].find("\n## ") {
        Some(end) => &rest[..end + 3],
        None => rest,
    };
    let mut found = BTreeMap::new();
    let mut lines = section.lines();
    let mut operation: Option<String> = None;
    while let Some(line) = lines.next() {
        if line == "```json" {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            let body = body.join("\n");
            let example: Value = serde_json::from_str(&body)
                .unwrap_or_else(|e| panic!("{operation:?}: not JSON ({e}):\n{body}"));
            let operation = operation
                .take()
                .unwrap_or_else(|| panic!("an example without its operation:\n{body}"));
            if found.insert(operation.clone(), example).is_some() {
                panic!("{operation} is shown twice");
            }
        } else if let Some(rest) = line.strip_prefix('`')
            && let Some((named, _)) = rest.split_once('`')
            && let Some((method, path)) = named.split_once(' ')
            && ["GET", "POST", "PUT", "DELETE", "PATCH"].contains(&method)
        {
            operation = Some(format!("{method} {path}"));
        }
    }
    (found, section.to_owned())
}

#[tokio::test]
async fn each_json_request_body_is_shown_once_and_matches_its_schema() {
    let server = Server::start().await;
    let (status, spec) = server.get("/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let (examples, section) = examples();
    let mut wanted = BTreeSet::new();
    let mut uploads = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let content = &op["requestBody"]["content"];
            let name = format!("{} {path}", method.to_uppercase());
            if let Some(json) = content.get("application/json") {
                wanted.insert(name.clone());
                let Some(example) = examples.get(&name) else {
                    continue;
                };
                let found = violations(&spec, &json["schema"], example, &name);
                assert!(found.is_empty(), "{name}: {found:#?}");
            } else if content.get("multipart/form-data").is_some() {
                uploads.push(name);
            }
        }
    }
    let shown: BTreeSet<String> = examples.keys().cloned().collect();
    assert_eq!(
        wanted.difference(&shown).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "JSON bodies without an example in docs/api.md"
    );
    assert_eq!(
        shown.difference(&wanted).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "examples in docs/api.md for operations that take no JSON body"
    );
    assert!(!uploads.is_empty());
    for upload in uploads {
        assert!(
            section.contains(&format!("`{upload}`")),
            "the upload {upload} is not named"
        );
    }
}
