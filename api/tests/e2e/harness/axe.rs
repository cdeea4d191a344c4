//! The axe-core accessibility check, run inside the page. The script is
//! given through WebDriver's execute-script, which the pages'
//! Content-Security-Policy (`script-src 'self'`) does not govern.

use super::tools;
use serde::Deserialize;
use serde_json::Value;
use std::fmt;
use std::sync::OnceLock;

/// `axe.min.js`, read once per test binary.
static SCRIPT: OnceLock<String> = OnceLock::new();

/// Runs axe with its default rules (WCAG 2.x A and AA, best practices);
/// the result type is only violations.
const RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']})
  .then(r => done({violations: r.violations.map(v => ({
    id: v.id, impact: v.impact || '', help: v.help, help_url: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html,
                             summary: n.failureSummary || ''}))}))}))
  .catch(e => done({error: String(e && e.stack || e)}));
"#;

#[derive(Debug, Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: String,
    pub help: String,
    pub help_url: String,
    pub nodes: Vec<Node>,
}

#[derive(Debug, Deserialize)]
pub struct Node {
    pub target: Vec<String>,
    pub html: String,
    pub summary: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "[{}] {}: {} ({})",
            self.impact, self.id, self.help, self.help_url
        )?;
        for node in &self.nodes {
            writeln!(f, "    at {}: {}", node.target.join(" "), node.html)?;
            for line in node.summary.lines() {
                writeln!(f, "      {line}")?;
            }
        }
        Ok(())
    }
}

/// The page's violations, every impact.
pub async fn run(client: &fantoccini::Client) -> Vec<Violation> {
    let script = match SCRIPT.get() {
        Some(script) => script,
        None => {
            let loaded = tokio::task::spawn_blocking(tools::axe_script)
                .await
                .expect("installing axe-core");
            SCRIPT.get_or_init(|| loaded)
        }
    };
    let present = client
        .execute("return typeof window.axe === 'object';", vec![])
        .await;
    if !matches!(present, Ok(Value::Bool(true))) {
        let injected = client
            .execute(
                &format!("{script}\n;return typeof window.axe === 'object';"),
                vec![],
            )
            .await;
        assert!(
            matches!(injected, Ok(Value::Bool(true))),
            "cannot inject axe-core into the page: {injected:?}"
        );
    }
    let answer = client
        .execute_async(RUN, vec![])
        .await
        .unwrap_or_else(|e| panic!("axe.run failed: {e}"));
    if let Some(error) = answer["error"].as_str() {
        panic!("axe.run failed: {error}");
    }
    serde_json::from_value(answer["violations"].clone())
        .unwrap_or_else(|e| panic!("axe's answer is not understood ({e}): {answer}"))
}
