//! What every end-to-end test uses: the `cma` server process, chromedriver
//! and browser sessions, element look-up by what a person sees (labels,
//! button text, headings), waiting, emails from the outbox, screenshots,
//! the axe-core accessibility check and pointer drawing.
//!
//! A test usually reads:
//!
//! ```ignore
//! let server = Server::start().await;
//! let driver = Driver::start().await;
//! let mut browser = driver.browser(&server, Viewport::Phone).await;
//! browser.goto("/portal/").await;
//! browser.fill("Email", "ada@example.test").await;
//! browser.click_button("Sign in").await;
//! browser.wait_for_heading("Your quotes").await;
//! browser.screenshots("portal-home").await; // phone and desktop
//! browser.check_accessibility("portal-home").await;
//! ```

// A toolkit: each test uses only some of it.
#![allow(dead_code)]

mod axe;
mod browser;
mod driver;
mod email;
mod server;
mod tools;

#[allow(unused_imports)]
pub use browser::{Browser, PointerKind, Role, Viewport, screenshot_dir};
pub use driver::Driver;
#[allow(unused_imports)]
pub use email::Email;
#[allow(unused_imports)]
pub use server::{NOW, Server};

use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a wait for the page lasts before the test fails.
pub const WAIT: Duration = Duration::from_secs(10);

/// The build's target directory (where `target/e2e-screenshots/` and the
/// installed tools go): `CARGO_TARGET_TMPDIR` is `{target}/tmp`.
pub fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    match tmp.parent() {
        Some(target) => target.to_owned(),
        // The test binary is `{target}/{profile}/deps/e2e-<hash>`.
        None => std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_owned()))
            .expect("the target directory"),
    }
}
