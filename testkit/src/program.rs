//! Programs a test runs beside it (the server, chromedriver, moto): on a
//! free loopback port, their output kept in a log file, waited for until
//! they answer, killed when dropped.

use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A loopback port nothing listens on just now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A running program; killed when dropped.
pub struct Program {
    name: String,
    child: Child,
    log: PathBuf,
}

impl Program {
    /// Starts `command` without input, its output and errors written to
    /// `log`; `name` names it in failures.
    pub fn start(name: &str, command: &mut Command, log: PathBuf) -> Program {
        let output =
            File::create(&log).unwrap_or_else(|e| panic!("cannot write {}: {e}", log.display()));
        let errors = output.try_clone().expect("the log again");
        let child = command
            .stdin(Stdio::null())
            .stdout(output)
            .stderr(errors)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Program {
            name: name.to_owned(),
            child,
            log,
        }
    }

    /// What the program has written so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Asks `ready` every `every` until it says yes, for up to `within`;
    /// fails the test, with the program's log, when it stops first or the
    /// time runs out.
    pub async fn wait_until(
        &mut self,
        within: Duration,
        every: Duration,
        mut ready: impl AsyncFnMut() -> bool,
    ) {
        let started = Instant::now();
        while started.elapsed() < within {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} stopped ({status}):\n{}", self.name, self.log_text());
            }
            if ready().await {
                return;
            }
            tokio::time::sleep(every).await;
        }
        panic!(
            "{} did not answer within {within:?}:\n{}",
            self.name,
            self.log_text()
        );
    }

    /// Kills the program and waits for it to go.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        self.stop();
    }
}
