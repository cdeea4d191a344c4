//! A real S3-compatible server for the object-storage tests: moto, from
//! PyPI, installed once into a virtual environment under the target
//! directory and started on a free loopback port, one server per test.
//!
//! These tests never skip: when moto cannot be installed or started they
//! fail, saying why.

use cma_testkit::program::{Program, free_port};
use object_store::ObjectStore;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use std::process::Command;
use std::time::Duration;
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
    program: Program,
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
        let port = free_port();
        let mut serve = Command::new(&python);
        serve.args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ]);
        let name = format!("moto ({})", python.display());
        let log = dir.path().join("moto.log");
        let mut moto = Moto {
            endpoint: format!("http://127.0.0.1:{port}"),
            program: Program::start(&name, &mut serve, log),
            _dir: dir,
        };
        let (http, api) = (
            reqwest::Client::new(),
            format!("{}/moto-api/", moto.endpoint),
        );
        let (within, every) = (Duration::from_secs(60), Duration::from_millis(100));
        moto.program
            .wait_until(within, every, async || {
                let answer = http.get(&api).send().await;
                answer.is_ok_and(|r| r.status().is_success())
            })
            .await;
        moto.create_bucket().await;
        moto
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
