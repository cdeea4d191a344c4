//! A real S3-compatible server for the object-storage tests: moto, from
//! PyPI, installed once into a virtual environment under the target
//! directory and started on a free loopback port, one server per test.
//!
//! These tests never skip: when moto cannot be installed or started they
//! fail, saying why.

use object_store::ObjectStore;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// What the virtual environment installs.
const MOTO: &str = "moto[server]==5.2.5";
const BUCKET: &str = "portal-files";
/// Where in the bucket the server is told to keep content.
pub const PREFIX: &str = "uploads";
const REGION: &str = "us-east-1";
/// moto takes any credentials; the client must have some, or it looks
/// for instance credentials.
const ACCESS_KEY: &str = "test-access-key";
const SECRET_KEY: &str = "test-secret-key";

/// A running moto server with one empty bucket.
pub struct Moto {
    pub endpoint: String,
    child: Child,
    log: PathBuf,
    _dir: TempDir,
}

impl Moto {
    pub async fn start() -> Moto {
        let python = tokio::task::spawn_blocking(|| {
            cma_testkit::pypi::python_with(env!("CARGO_TARGET_TMPDIR"), "moto", MOTO)
        })
        .await
        .expect("installing moto");
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("moto.log");
        let port = free_port();
        let output = File::create(&log).expect("moto log");
        let child = Command::new(&python)
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(output.try_clone().expect("moto log"))
            .stderr(output)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start moto ({}): {e}", python.display()));
        let mut moto = Moto {
            endpoint: format!("http://127.0.0.1:{port}"),
            child,
            log,
            _dir: dir,
        };
        moto.wait_until_up().await;
        moto.create_bucket().await;
        moto
    }

    async fn wait_until_up(&mut self) {
        let started = Instant::now();
        let http = reqwest::Client::new();
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("moto stopped ({status}):\n{}", self.log_text());
            }
            if let Ok(r) = http
                .get(format!("{}/moto-api/", self.endpoint))
                .send()
                .await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("moto did not answer within 60 s:\n{}", self.log_text());
    }

    async fn create_bucket(&self) {
        let response = reqwest::Client::new()
            .put(format!("{}/{BUCKET}", self.endpoint))
            .send()
            .await
            .expect("moto answers");
        assert!(
            response.status().is_success(),
            "cannot create the bucket: {}",
            response.status()
        );
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The server's `--files-url`.
    pub fn files_url(&self) -> String {
        format!("s3://{BUCKET}/{PREFIX}")
    }

    /// The server's `--files-option`s.
    pub fn files_options(&self) -> Vec<String> {
        vec![
            format!("endpoint={}", self.endpoint),
            "allow_http=true".to_owned(),
            format!("region={REGION}"),
            format!("access_key_id={ACCESS_KEY}"),
            format!("secret_access_key={SECRET_KEY}"),
        ]
    }

    /// A client of the bucket, to look at it from outside the server.
    pub fn bucket(&self) -> AmazonS3 {
        AmazonS3Builder::new()
            .with_bucket_name(BUCKET)
            .with_endpoint(&self.endpoint)
            .with_allow_http(true)
            .with_region(REGION)
            .with_access_key_id(ACCESS_KEY)
            .with_secret_access_key(SECRET_KEY)
            .build()
            .expect("bucket client")
    }

    /// Every key in the bucket, with its size, in key order.
    pub async fn objects(&self) -> Vec<(String, u64)> {
        use futures::TryStreamExt;
        let mut objects: Vec<(String, u64)> = self
            .bucket()
            .list(None::<&Key>)
            .map_ok(|meta| (meta.location.to_string(), meta.size))
            .try_collect()
            .await
            .expect("listing the bucket");
        objects.sort();
        objects
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nothing listens on just now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}
