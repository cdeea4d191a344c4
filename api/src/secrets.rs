//! The deployment's secret key: link tokens are HMACs under it, and the API
//! that issues a link and the worker that emails it must hold the same key.
//!
//! `CMA_SECRET_KEY` (hex, or any other string taken as its bytes) wins;
//! otherwise a random key is generated once into `{data_dir}/secret.key`
//! and read from there on every start.

use crate::config::Config;
use anyhow::Context;
use std::path::Path;
use std::sync::Arc;

const KEY_FILE: &str = "secret.key";
const GENERATED_BYTES: usize = 32;

/// The key the configuration names, generating the key file if needed.
pub fn secret_key(config: &Config) -> anyhow::Result<Arc<[u8]>> {
    match config
        .secret_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        Some(text) => Ok(decode(text).into()),
        None => key_file(&config.stores.data_dir.join(KEY_FILE)).map(Arc::from),
    }
}

/// Hex when the whole string is an even number of hex digits, else its bytes.
fn decode(text: &str) -> Vec<u8> {
    hex::decode(text).unwrap_or_else(|_| text.as_bytes().to_vec())
}

fn key_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    match std::fs::read_to_string(path) {
        Ok(text) if !text.trim().is_empty() => return Ok(decode(text.trim())),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let key: [u8; GENERATED_BYTES] = rand::random();
    write_private(path, &hex::encode(key))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(key.to_vec())
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_is_kept_and_read_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("data").join(KEY_FILE);
        let first = key_file(&path).expect("generated");
        assert_eq!(first.len(), GENERATED_BYTES);
        assert_eq!(key_file(&path).expect("read back"), first);
    }

    #[test]
    fn a_key_file_that_cannot_be_read_says_where_and_why() {
        let dir = tempfile::tempdir().expect("temp dir");
        let blocker = dir.path().join("data");
        std::fs::write(&blocker, "a file where the folder should be").expect("file");
        let path = blocker.join(KEY_FILE);
        let Err(e) = key_file(&path) else {
            panic!("a key file under a file was read");
        };
        assert_eq!(e.to_string(), format!("cannot read {}", path.display()));
        let cause = e.source().map(ToString::to_string).unwrap_or_default();
        assert!(
            cause.contains("os error"),
            "the OS's reason is kept: {cause:?}"
        );
    }

    #[test]
    fn a_configured_key_is_hex_or_plain_bytes() {
        assert_eq!(decode("00ff"), vec![0, 255]);
        assert_eq!(decode("not hex"), b"not hex".to_vec());
    }
}
