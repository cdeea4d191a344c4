//! A client generated from the served document by a well-known generator
//! (`openapi-python-client` from PyPI) runs the seed's story against the
//! running server: sign up, a client and a quote, send, invite, the password
//! from the emailed link, toggle, accept, the audit. The generated package is
//! made afresh in a temporary folder on every run and used as generated;
//! the story is `api/tests/generated_client/story.py`.

use crate::support::*;
use reqwest::StatusCode;
use std::path::Path;
use std::process::Command;

const GENERATOR: &str = "openapi-python-client==0.29.1";

#[tokio::test]
async fn a_client_generated_from_the_document_runs_the_story() {
    let server = Server::start().await;
    let response = server.page("/api/v1/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    let document = response.bytes().await.expect("the document's bytes");
    let work = tempfile::tempdir().expect("dir");
    let spec = work.path().join("openapi.json");
    std::fs::write(&spec, &document).expect("write the document");

    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/generated_client");
    let python = tokio::task::spawn_blocking(|| {
        cma_testkit::pypi::python_with(env!("CARGO_TARGET_TMPDIR"), "generated-client", GENERATOR)
    })
    .await
    .expect("installing the generator");
    let package = work.path().join("cma_client");
    // Any warning (a part of the document the generator cannot read) fails.
    let said = cma_testkit::pypi::run(
        Command::new(&python)
            .args(["-m", "openapi_python_client", "generate", "--meta", "none"])
            .arg("--path")
            .arg(&spec)
            .arg("--output-path")
            .arg(&package)
            .arg("--config")
            .arg(here.join("config.yaml"))
            .arg("--fail-on-warning"),
    );
    assert!(package.join("client.py").is_file(), "{said}");

    let outbox = server.data_dir().join("outbox");
    let mut story = Command::new(&python);
    story
        .arg(here.join("story.py"))
        .arg(&server.base)
        .arg(&outbox)
        .env("PYTHONPATH", work.path())
        .env("PYTHONDONTWRITEBYTECODE", "1");
    // Off the runtime's thread: the server answers the story on it.
    let said = tokio::task::spawn_blocking(move || cma_testkit::pypi::run(&mut story))
        .await
        .expect("the story");
    assert!(said.contains("story complete"), "{said}");
}
