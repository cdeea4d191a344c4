//! chromedriver on a free loopback port, and headless Chromium sessions
//! through it.

use super::browser::{Browser, Viewport};
use super::server::Server;
use super::tools;
use cma_testkit::program::{Program, free_port};
use fantoccini::ClientBuilder;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;
use tempfile::TempDir;

/// Chromium's switches: headless, and nothing that reaches the network or
/// changes between runs on its own.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--force-device-scale-factor=1",
    "--hide-scrollbars",
    "--lang=en-GB",
];

/// A running chromedriver; killed when dropped (it closes its browsers).
pub struct Driver {
    pub url: String,
    chromium: PathBuf,
    program: Program,
    dir: TempDir,
}

impl Driver {
    pub async fn start() -> Driver {
        let chromium = tools::chromium();
        let chromedriver = tools::chromedriver();
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let mut serve = Command::new(&chromedriver);
        serve
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1");
        let name = format!("chromedriver ({})", chromedriver.display());
        let log = dir.path().join("chromedriver.log");
        let mut driver = Driver {
            url: format!("http://127.0.0.1:{port}"),
            chromium,
            program: Program::start(&name, &mut serve, log),
            dir,
        };
        let (http, status) = (reqwest::Client::new(), format!("{}/status", driver.url));
        let (within, every) = (Duration::from_secs(30), Duration::from_millis(50));
        driver
            .program
            .wait_until(within, every, async || {
                let answer = http.get(&status).send().await;
                let Ok(answer) = answer else { return false };
                let state = answer.json::<serde_json::Value>().await;
                state.is_ok_and(|s| s["value"]["ready"] == json!(true))
            })
            .await;
        driver
    }

    fn log_text(&self) -> String {
        self.program.log_text()
    }

    /// A new browser (its own fresh profile: no cookies, no storage) at
    /// `viewport`'s size, whose relative paths go to `server`.
    pub async fn browser(&self, server: &Server, viewport: Viewport) -> Browser {
        let profile = tempfile::tempdir_in(self.dir.path()).expect("profile dir");
        let (width, height) = viewport.size();
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push(format!("--window-size={width},{height}"));
        let capabilities = json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "goog:chromeOptions": {
                "binary": self.chromium,
                "args": args,
            },
            "goog:loggingPrefs": {"browser": "ALL"},
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "chromedriver cannot start Chromium ({}): {e}\n{}",
                    self.chromium.display(),
                    self.log_text()
                )
            });
        Browser::new(
            client,
            server.base.clone(),
            self.url.clone(),
            viewport,
            profile,
        )
        .await
    }
}
