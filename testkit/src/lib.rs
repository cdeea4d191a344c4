//! Test support the crates' integration tests share, as a dev-dependency:
//! `cma-testkit = { path = "../testkit", features = [...] }`. Each module
//! is behind the feature of its name. See docs/testing.md.

#[cfg(feature = "bench")]
pub mod bench;
#[cfg(feature = "dump")]
pub mod dump;
#[cfg(feature = "program")]
pub mod program;
#[cfg(feature = "pypi")]
pub mod pypi;
#[cfg(feature = "smtp")]
pub mod smtp;
