//! Python tools from PyPI that tests run (an S3 server, a DKIM verifier, an
//! OpenAPI validator, a client generator): each in a virtual environment of
//! its own under the target's tmp dir, made on first use; a lock file keeps
//! concurrent tests (and test runs) from making one twice.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Python of the environment `{name}-venv` with `requirement` installed,
/// under `root`: the calling test's `env!("CARGO_TARGET_TMPDIR")`.
pub fn python_with(root: impl AsRef<Path>, name: &str, requirement: &str) -> PathBuf {
    let root = root.as_ref();
    std::fs::create_dir_all(root).expect("target tmp dir");
    let lock = File::create(root.join(format!("{name}-venv.lock"))).expect("lock file");
    lock.lock()
        .unwrap_or_else(|e| panic!("locking the {name} environment: {e}"));
    let venv = root.join(format!("{name}-venv"));
    let python = venv.join("bin").join("python");
    let installed = venv.join("installed.txt");
    if std::fs::read_to_string(&installed).is_ok_and(|done| done == requirement) {
        return python;
    }
    if venv.exists() {
        std::fs::remove_dir_all(&venv)
            .unwrap_or_else(|e| panic!("removing an unfinished {name} environment: {e}"));
    }
    run(Command::new("python3").arg("-m").arg("venv").arg(&venv));
    run(Command::new(&python).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        requirement,
    ]));
    std::fs::write(&installed, requirement).expect("marking the environment");
    python
}

/// Runs `command` to its end; its output (stdout then stderr), or a panic
/// naming the command and showing what it printed.
pub fn run(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{text}",
        output.status
    );
    text
}
