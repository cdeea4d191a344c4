//! The `cma` command line as an operator meets it: each subcommand's own
//! options, read-only commands that never create a store, errors that
//! guide, plain or JSON logs, host names to listen on, metrics from the start.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn cma(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cma"))
        .args(args)
        .current_dir(dir)
        .env_remove("CMA_DATA_DIR")
        .env_remove("CMA_DATABASE_URL")
        .env_remove("CMA_EVENTSTORE_URL")
        .env_remove("CMA_LISTEN")
        .output()
        .expect("cma runs")
}

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn each_subcommand_shows_and_takes_only_its_own_options() {
    let dir = tempfile::tempdir().expect("dir");
    for command in [
        &["audit", "verify"][..],
        &["audit", "quote"],
        &["projections", "rebuild"],
        &["migrate"],
        &["backup"],
        &["restore"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let help = said(&cma(&args, dir.path()));
        assert!(help.contains("--data-dir"), "{command:?}: {help}");
        for foreign in [
            "--listen",
            "--smtp-url",
            "--max-upload-bytes",
            "--trusted-proxies",
        ] {
            assert!(
                !help.contains(foreign),
                "{command:?} shows {foreign}:\n{help}"
            );
        }
    }
    let refused = cma(&["audit", "verify", "--listen", "127.0.0.1:1"], dir.path());
    assert!(!refused.status.success());
    assert!(said(&refused).contains("--listen"), "{}", said(&refused));
    // The rebuild's help lists the projectors.
    let help = said(&cma(&["projections", "rebuild", "--help"], dir.path()));
    assert!(
        help.contains("clients") && help.contains("quotes") && help.contains("--all"),
        "{help}"
    );
}

#[test]
fn the_worker_shows_and_takes_only_the_worker_settings() {
    let dir = tempfile::tempdir().expect("dir");
    let said_help = said(&cma(&["worker", "--help"], dir.path()));
    let (_, help) = said_help.split_once("Options:").expect("options");
    for own in [
        "--data-dir",
        "--database-url",
        "--public-url",
        "--secret-key",
        "--smtp-url",
        "--email-from",
        "--dkim-key",
        "--email-horizon-hours",
        "--message-quiet-minutes",
    ] {
        assert!(help.contains(own), "worker lacks {own}:\n{help}");
    }
    for foreign in [
        "--listen",
        "--roles",
        "--max-upload-bytes",
        "--trusted-proxies",
        "--files-url",
        "--invite-link-hours",
        "--reset-link-minutes",
    ] {
        assert!(!help.contains(foreign), "worker shows {foreign}:\n{help}");
    }
    let refused = cma(&["worker", "--listen", "127.0.0.1:1"], dir.path());
    assert!(!refused.status.success());
    assert!(said(&refused).contains("--listen"), "{}", said(&refused));
    // The server's own variables are not the worker's business: nonsense in
    // them changes nothing (here the worker stops on the embedded default,
    // which one `cma serve` owns, and says so).
    let output = Command::new(env!("CARGO_BIN_EXE_cma"))
        .arg("worker")
        .current_dir(dir.path())
        .env("CMA_DATA_DIR", dir.path().join("data"))
        .env("CMA_LISTEN", "not an address")
        .env("CMA_MAX_UPLOAD_BYTES", "lots")
        .env("CMA_TRUSTED_PROXIES", "everyone")
        .env_remove("CMA_DATABASE_URL")
        .env_remove("CMA_EVENTSTORE_URL")
        .output()
        .expect("cma runs");
    assert!(!output.status.success());
    let text = said(&output);
    assert!(
        text.contains("need the read models on PostgreSQL") && !text.contains("CMA_LISTEN"),
        "{text}"
    );
}

/// The README's configuration table names every variable `cma serve` reads.
#[test]
fn the_readme_lists_every_setting() {
    let dir = tempfile::tempdir().expect("dir");
    let help = said(&cma(&["serve", "--help"], dir.path()));
    let readme = include_str!("../../README.md");
    let variables: Vec<&str> = help
        .split("[env: ")
        .skip(1)
        .map(|rest| rest.split(['=', ']']).next().expect("a variable"))
        .collect();
    assert!(variables.len() > 20, "{help}");
    for variable in variables {
        assert!(
            readme.contains(&format!("| `{variable}` |")),
            "README's configuration table lacks {variable}"
        );
    }
}

#[test]
fn read_only_commands_never_create_a_store() {
    let dir = tempfile::tempdir().expect("dir");
    for args in [
        &["audit", "quote", "00000000-0000-0000-0000-000000000000"][..],
        &["audit", "verify"],
        &["projections", "rebuild", "--all"],
        &["backup", "copy"],
    ] {
        let output = cma(args, dir.path());
        assert!(!output.status.success(), "{args:?}");
        assert!(
            said(&output).contains("no event log"),
            "{args:?}: {}",
            said(&output)
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
        assert!(left.is_empty(), "{args:?} created {left:?}");
    }
}

#[test]
fn the_rebuild_guides_to_its_projectors() {
    let dir = tempfile::tempdir().expect("dir");
    let none = said(&cma(&["projections", "rebuild"], dir.path()));
    assert!(none.contains("--all") && none.contains("clients"), "{none}");
    let unknown = cma(&["projections", "rebuild", "clientz"], dir.path());
    assert!(!unknown.status.success());
    let unknown = said(&unknown);
    assert!(
        unknown.contains("clients") && unknown.contains("invoices"),
        "{unknown}"
    );
}

#[test]
fn verifying_from_beyond_the_head_is_an_error() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data").display().to_string();
    assert!(
        cma(&["migrate", "--data-dir", &data], dir.path())
            .status
            .success()
    );
    let from_start = cma(&["audit", "verify", "--data-dir", &data], dir.path());
    assert!(from_start.status.success(), "{}", said(&from_start));
    let beyond = cma(
        &["audit", "verify", "--from", "999", "--data-dir", &data],
        dir.path(),
    );
    assert!(!beyond.status.success());
    assert!(
        said(&beyond).contains("beyond the log's head"),
        "{}",
        said(&beyond)
    );
}

/// A `cma serve` on a fresh data directory, its output piped.
struct Serve {
    child: Child,
    lines: std::sync::mpsc::Receiver<String>,
    port: u16,
    dir: tempfile::TempDir,
}

impl Serve {
    fn start(listen_host: &str, log_format: Option<&str>) -> Serve {
        let dir = tempfile::tempdir().expect("dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_cma"));
        command
            .arg("serve")
            .env("CMA_DATA_DIR", dir.path().join("data"))
            .env("CMA_LISTEN", format!("{listen_host}:{port}"))
            .env_remove("CMA_DATABASE_URL")
            .env_remove("CMA_EVENTSTORE_URL")
            .env_remove("NO_COLOR")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        match log_format {
            Some(format) => command.env("CMA_LOG_FORMAT", format),
            None => command.env_remove("CMA_LOG_FORMAT"),
        };
        let mut child = command.spawn().expect("cma serve");
        let (send, lines) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = send.send(line);
            }
        });
        Serve {
            child,
            lines,
            port,
            dir,
        }
    }

    /// The first line logged.
    fn first_line(&self) -> String {
        self.lines
            .recv_timeout(Duration::from_secs(30))
            .expect("a log line")
    }

    fn get(&self, path: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match http_get(self.port, path) {
                Some((200, body)) => return body,
                _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
                other => panic!("GET {path}: {other:?}"),
            }
        }
    }
}

/// A plain HTTP/1.1 GET on loopback: the status and the body.
fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let (head, body) = answer.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, body.to_owned()))
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One `cma serve` owns its data directory: a second server, or a forced
/// restore, on the same directory is refused while it runs, and free to go
/// once it has stopped.
#[test]
fn a_running_server_owns_its_data_directory() {
    let mut serve = Serve::start("127.0.0.1", None);
    assert_eq!(serve.get("/healthz"), "ok");
    let data = serve.dir.path().join("data");
    let data_text = data.display().to_string();
    let backup = serve.dir.path().join("backup");
    let backup_text = backup.display().to_string();
    let made = cma(
        &["backup", &backup_text, "--data-dir", &data_text],
        serve.dir.path(),
    );
    assert!(made.status.success(), "{}", said(&made));

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port()
        .to_string();
    let listen = format!("127.0.0.1:{port}");
    let restore = ["restore", &backup_text, "--data-dir", &data_text, "--force"];
    let second = ["serve", "--data-dir", &data_text, "--listen", &listen];
    for refused in [&restore[..], &second[..]] {
        let output = cma(refused, serve.dir.path());
        assert!(!output.status.success(), "{refused:?}");
        assert!(
            said(&output).contains("is in use by another cma"),
            "{refused:?}: {}",
            said(&output)
        );
    }
    assert_eq!(serve.get("/healthz"), "ok", "the server is untouched");

    // Once it is gone (killed, as a crash would), the directory is free.
    let _ = serve.child.kill();
    let _ = serve.child.wait();
    let restored = cma(&restore, serve.dir.path());
    assert!(restored.status.success(), "{}", said(&restored));
}

#[test]
fn json_logs_a_host_name_to_listen_on_and_metrics_from_the_start() {
    let serve = Serve::start("localhost", Some("json"));
    let line = serve.first_line();
    let parsed: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert!(
        parsed["level"].is_string() && parsed["fields"].is_object(),
        "{line}"
    );
    assert_eq!(serve.get("/healthz"), "ok");
    let metrics = serve.get("/metrics");
    for series in [
        "cma_events_appended_total 0",
        r#"cma_email_outbox{state="pending"} 0"#,
        r#"cma_email_outbox{state="failed"} 0"#,
    ] {
        assert!(metrics.contains(series), "{series} not in\n{metrics}");
    }
}

#[test]
fn text_logs_to_a_pipe_have_no_colour_and_an_unknown_format_is_refused() {
    let serve = Serve::start("127.0.0.1", None);
    let line = serve.first_line();
    assert!(!line.contains('\u{1b}'), "ANSI codes in {line:?}");
    assert!(line.contains("INFO"), "{line}");
    drop(serve);
    let dir = tempfile::tempdir().expect("dir");
    let refused = Command::new(env!("CARGO_BIN_EXE_cma"))
        .args(["audit", "verify", "--data-dir"])
        .arg(dir.path())
        .env("CMA_LOG_FORMAT", "xml")
        .output()
        .expect("cma");
    assert!(!refused.status.success());
    assert!(
        said(&refused).contains("CMA_LOG_FORMAT"),
        "{}",
        said(&refused)
    );
}

/// An error quoting text from outside (a path, a stored value) shows its
/// control characters as escapes: the terminal never acts on them.
#[test]
fn errors_show_control_characters_as_escapes() {
    let dir = tempfile::tempdir().expect("dir");
    let output = cma(&["restore", "/nowhere/\u{1b}[31mred\u{202e}"], dir.path());
    assert!(!output.status.success());
    let text = said(&output);
    assert!(
        text.contains("\\u{1b}[31mred\\u{202e}")
            && !text.contains('\u{1b}')
            && !text.contains('\u{202e}'),
        "{text:?}"
    );
}

/// A failure says what `cma` was doing and, after it, what the system or
/// the database answered, on one line and each only once.
#[test]
fn errors_show_their_cause() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("data dir");
    std::fs::write(
        data.join("events.db"),
        "not a database, just text\n".repeat(200),
    )
    .expect("not a database");
    let data = data.display().to_string();

    let audit = cma(&["audit", "verify", "--data-dir", &data], dir.path());
    assert!(!audit.status.success());
    let text = said(&audit);
    assert!(
        text.contains("cma: cannot open the event log: ")
            && text.matches("file is not a database").count() == 1,
        "{text}"
    );

    let file = dir.path().join("a-file");
    std::fs::write(&file, "").expect("file");
    let backup = cma(
        &["backup", &file.display().to_string(), "--data-dir", &data],
        dir.path(),
    );
    assert!(!backup.status.success());
    let text = said(&backup);
    assert!(
        text.contains("is a file, not a folder: ") && text.contains("(os error"),
        "{text}"
    );
}
