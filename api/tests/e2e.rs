//! End-to-end tests: headless Chromium, driven over WebDriver
//! (chromedriver), against the real `cma serve` process on embedded SQLite.
//!
//! They need Chromium and chromedriver (Debian: `chromium` and
//! `chromium-driver`), and npm for axe-core; they fail, never skip, when
//! those are missing. Screenshots are written to
//! `{target dir}/e2e-screenshots/`. See docs/testing.md.
//!
//! One test binary; each module below is a group of tests, all using
//! [`harness`]. A new group is a file in `e2e/` and a `#[path]` `mod` here.

#[path = "e2e/harness/mod.rs"]
mod harness;

#[path = "e2e/pages.rs"]
mod pages;

#[path = "e2e/harness_checks.rs"]
mod harness_checks;

#[path = "e2e/tour.rs"]
mod tour;

#[path = "e2e/story.rs"]
mod story;

#[path = "e2e/emails.rs"]
mod emails;
