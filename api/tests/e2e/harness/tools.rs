//! The programs the end-to-end tests need: Chromium and chromedriver from
//! the system, axe-core from npm (installed once under the target
//! directory). Missing ones fail the test, saying how to install them.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The axe-core release the accessibility check runs.
pub const AXE_CORE: &str = "axe-core@4.14.1";

const INSTALL: &str = "install them with `sudo apt-get update && sudo apt-get install -y chromium chromium-driver` \
     (Debian; .ci/run does this when they are absent), or point CMA_E2E_CHROMIUM and \
     CMA_E2E_CHROMEDRIVER at them";

/// The Chromium binary: `$CMA_E2E_CHROMIUM`, else `/usr/bin/chromium`.
pub fn chromium() -> PathBuf {
    program("CMA_E2E_CHROMIUM", "/usr/bin/chromium", "Chromium")
}

/// The chromedriver binary: `$CMA_E2E_CHROMEDRIVER`, else `/usr/bin/chromedriver`.
pub fn chromedriver() -> PathBuf {
    program(
        "CMA_E2E_CHROMEDRIVER",
        "/usr/bin/chromedriver",
        "chromedriver",
    )
}

fn program(variable: &str, default: &str, what: &str) -> PathBuf {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.is_file(),
        "the end-to-end tests need {what}, which is not at {}: {INSTALL}",
        path.display()
    );
    path
}

/// `axe.min.js` of [`AXE_CORE`], installed with npm on first use into the
/// target directory; a lock file keeps concurrent tests (and test runs)
/// from installing it twice.
pub fn axe_script() -> String {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(root).expect("target tmp dir");
    let lock = File::create(root.join("axe-core.lock")).expect("lock file");
    lock.lock().expect("locking the axe-core installation");
    let dir = root.join("axe-core");
    let script = dir.join("node_modules/axe-core/axe.min.js");
    let installed = dir.join("installed.txt");
    if !std::fs::read_to_string(&installed).is_ok_and(|done| done == AXE_CORE) {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("removing an unfinished axe-core installation");
        }
        std::fs::create_dir_all(&dir).expect("axe-core directory");
        let mut npm = Command::new("npm");
        npm.args([
            "install",
            "--no-audit",
            "--no-fund",
            "--no-package-lock",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(&dir)
        .arg(AXE_CORE);
        let output = npm.output().unwrap_or_else(|e| {
            panic!(
                "cannot run npm to install {AXE_CORE} for the accessibility check: {e} \
                 (install Node.js and npm, e.g. `apt-get install -y npm`)"
            )
        });
        assert!(
            output.status.success(),
            "{npm:?} failed ({}) installing {AXE_CORE}:\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        std::fs::write(&installed, AXE_CORE).expect("marking the axe-core installation");
    }
    std::fs::read_to_string(&script)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", script.display()))
}
