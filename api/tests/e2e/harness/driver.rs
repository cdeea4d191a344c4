//! chromedriver on a free loopback port, and headless Chromium sessions
//! through it.

use super::browser::{Browser, Viewport};
use super::server::Server;
use super::{free_port, tools};
use fantoccini::ClientBuilder;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
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
    child: Child,
    log: PathBuf,
    dir: TempDir,
}

impl Driver {
    pub async fn start() -> Driver {
        let chromium = tools::chromium();
        let chromedriver = tools::chromedriver();
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("chromedriver.log");
        let output = File::create(&log).expect("chromedriver log");
        let port = free_port();
        let child = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(output.try_clone().expect("chromedriver log"))
            .stderr(output)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let mut driver = Driver {
            url: format!("http://127.0.0.1:{port}"),
            chromium,
            child,
            log,
            dir,
        };
        driver.wait_until_ready().await;
        driver
    }

    async fn wait_until_ready(&mut self) {
        let started = Instant::now();
        let http = reqwest::Client::new();
        while started.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("chromedriver stopped ({status}):\n{}", self.log_text());
            }
            if let Ok(r) = http.get(format!("{}/status", self.url)).send().await
                && let Ok(status) = r.json::<serde_json::Value>().await
                && status["value"]["ready"] == json!(true)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "chromedriver was not ready within 30 s:\n{}",
            self.log_text()
        );
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
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

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
