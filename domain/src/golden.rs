//! Golden bytes: the stored payload of every (type, version) the code can
//! read is kept in `domain/tests/golden/<Type>.v<N>.bin` and must still
//! decode; the current samples must still encode to exactly those bytes.
//!
//! `CMA_WRITE_GOLDEN=1 cargo test -p cma-domain golden` writes the fixtures
//! that are missing (never overwrites one). A superseded version keeps its
//! file forever.

use crate::codec::EventCodec;
use crate::event::{Event, samples};
use std::path::PathBuf;

fn fixture(event_type: &str, version: u16) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{event_type}.v{version}.bin"))
}

fn write_missing() -> bool {
    std::env::var("CMA_WRITE_GOLDEN").is_ok_and(|v| v == "1")
}

#[test]
fn current_samples_encode_to_the_committed_bytes() {
    let mut missing = Vec::new();
    for sample in samples() {
        let path = fixture(sample.event_type(), sample.schema_version());
        let bytes = sample.encode();
        match std::fs::read(&path) {
            Ok(stored) => assert_eq!(
                stored,
                bytes,
                "{} v{} no longer encodes to its golden bytes: a payload change needs a new version",
                sample.event_type(),
                sample.schema_version()
            ),
            Err(_) if write_missing() => {
                std::fs::create_dir_all(path.parent().unwrap_or(&path)).expect("create golden dir");
                std::fs::write(&path, &bytes).expect("write golden fixture");
            }
            Err(_) => missing.push(path.display().to_string()),
        }
    }
    assert!(
        missing.is_empty(),
        "missing golden fixtures (run with CMA_WRITE_GOLDEN=1): {missing:?}"
    );
}

#[test]
fn every_known_version_has_a_fixture_that_decodes() {
    for &(event_type, version) in Event::known_versions() {
        let path = fixture(event_type, version);
        let Ok(bytes) = std::fs::read(&path) else {
            if write_missing() {
                continue; // written by the other test when it is a current version
            }
            panic!("no golden fixture {}", path.display());
        };
        let decoded = Event::decode(event_type, version, &bytes);
        assert!(decoded.is_ok(), "{event_type} v{version}: {decoded:?}");
    }
}
