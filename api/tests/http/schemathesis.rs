//! schemathesis (from PyPI) against the served OpenAPI document of a seeded
//! server, once with a staff session and once with a client's, each as the
//! browser presents it: the session cookie and the `X-CSRF-Token` header.
//! No answer is a 5xx, every answer is one the document declares and
//! matches its schema, and no request the document allows is refused.
//!
//! The run's settings are `api/tests/schemathesis/schemathesis.toml`;
//! `CMA_SCHEMATHESIS_EXAMPLES` runs more cases per operation than the
//! default (docs/testing.md).

use crate::fixture::provision;
use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;
use std::path::Path;
use std::process::Command;

const SCHEMATHESIS: &str = "schemathesis==4.32.5";
/// Cases per operation and phase unless `CMA_SCHEMATHESIS_EXAMPLES` says.
const EXAMPLES: &str = "8";
/// The document has too few examples for a phase of its own.
const PHASES: [&str; 2] = ["coverage", "fuzzing"];
const CHECKS: &str = "not_a_server_error,status_code_conformance,\
    response_schema_conformance,positive_data_acceptance";
const LOGOUT: &str = "/api/v1/auth/logout";

/// Who the run speaks as, and which operations it tries.
struct Role {
    login: &'static str,
    email: String,
    /// `--include-path-regex` or `--exclude-path-regex` and its pattern.
    operations: [&'static str; 2],
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error_undeclared_answer_or_refused_valid_request() {
    let server = Server::start().await;
    let staff = server.signup("owner@sparks.test").await;
    let (client, resources) = provision(&server, &staff, "Ada", 0).await;
    let (quote, line) = sent_quote(&server, &staff, &resources.client).await;
    let client_role = Role {
        login: "/api/v1/auth/portal/login",
        email: client.email.clone(),
        operations: ["--include-path-regex", "^/api/v1/portal/|^/api/v1/auth/me$"],
    };
    let staff_role = Role {
        login: "/api/v1/auth/staff/login",
        email: "owner@sparks.test".to_owned(),
        // The portal's operations answer a staff session 403 only.
        operations: ["--exclude-path-regex", "^/api/v1/portal/"],
    };
    // Every session first: the runs' failed logins then cannot rate-limit
    // the ones that follow. A run's logout revokes its session, so each
    // phase has its own, and logout runs alone, last. The client goes
    // first: staff may suspend its access.
    let mut runs = Vec::new();
    for role in [&client_role, &staff_role] {
        for phase in PHASES {
            let session = login(&server, role).await;
            runs.push((role, Some(phase), session));
        }
        runs.push((role, None, login(&server, role).await));
    }

    let python = tokio::task::spawn_blocking(|| {
        cma_testkit::pypi::python_with(env!("CARGO_TARGET_TMPDIR"), "schemathesis", SCHEMATHESIS)
    })
    .await
    .expect("installing schemathesis");
    let schemathesis = python.with_file_name("schemathesis");
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemathesis");
    let work = tempfile::tempdir().expect("dir");
    let examples =
        std::env::var("CMA_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| EXAMPLES.to_owned());
    for (role, phase, (session, csrf)) in runs {
        let mut command = Command::new(&schemathesis);
        command
            .arg("--config-file")
            .arg(here.join("schemathesis.toml"))
            .arg("run")
            .arg(server.url("/api/v1/openapi.json"))
            .args(["--checks", CHECKS, "--max-examples", &examples])
            .args([
                "--generation-with-security-parameters",
                "false",
                "--no-color",
            ])
            .current_dir(work.path())
            .env("CMA_HOOKS", here.join("hooks.py"))
            .env("CMA_SESSION", session)
            .env("CMA_CSRF", csrf)
            .env("CMA_CLIENT", &resources.client)
            .env("CMA_QUOTE", &quote)
            .env("CMA_LINE", &line)
            .env("CMA_INVOICE", &resources.invoice)
            .env("CMA_FILE", &resources.file)
            .env("CMA_APPOINTMENT", &resources.appointment)
            .env("PYTHONDONTWRITEBYTECODE", "1");
        match phase {
            Some(phase) => command
                .args(["--phases", phase])
                .args(role.operations)
                .args(["--exclude-path", LOGOUT]),
            None => command.args(["--include-path", LOGOUT]),
        };
        // Off the runtime's threads: the server answers the run on them.
        let said = tokio::task::spawn_blocking(move || cma_testkit::pypi::run(&mut command))
            .await
            .expect("schemathesis");
        assert!(said.contains("Tested:"), "{said}");
    }
}

/// A session of `role`: its token and CSRF token.
async fn login(server: &Server, role: &Role) -> (String, String) {
    let login = credentials(&role.email, PASSWORD);
    let body = answered(server.post(role.login, None, login).await, StatusCode::OK);
    (text(&body["token"]), text(&body["csrf_token"]))
}

/// A quote sent and not yet accepted, and its optional line.
async fn sent_quote(server: &Server, staff: &Staff, client: &str) -> (String, String) {
    let rewire = json!({"title": "Rewire", "currency": "GBP", "lines": [
        {"description": "Rewire", "quantity": "1", "unit_price": "900.00", "tax_rate": "20", "optional": false, "selected": true},
        {"description": "Sockets", "quantity": "4", "unit_price": "35.00", "tax_rate": "20", "optional": true, "selected": true}
    ]});
    server.sent_quote_and_line(staff, client, rewire).await
}
