//! `docs/events.md` names exactly the events the code knows: a `### Type vN`
//! heading for each current version, a `#### Type vN (superseded)` heading
//! for each version still readable but no longer written.

use crate::codec::EventCodec;
use crate::event::Event;
use std::collections::{BTreeMap, BTreeSet};

type Versions = BTreeSet<(String, u16)>;

/// Headings `<prefix>Name vN<suffix>` where Name is a word and N a number.
fn headings(doc: &str, prefix: &str, suffix: &str) -> Versions {
    doc.lines()
        .filter_map(|line| line.strip_prefix(prefix)?.strip_suffix(suffix))
        .filter_map(|rest| {
            let (name, version) = rest.split_once(" v")?;
            let word = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
            let version: u16 = version.parse().ok()?;
            word.then(|| (name.to_owned(), version))
        })
        .collect()
}

/// (current, superseded) versions according to the code.
fn known() -> (Versions, Versions) {
    let mut latest: BTreeMap<&str, u16> = BTreeMap::new();
    for &(name, version) in Event::known_versions() {
        let entry = latest.entry(name).or_insert(version);
        *entry = (*entry).max(version);
    }
    Event::known_versions()
        .iter()
        .map(|&(name, version)| (name.to_owned(), version))
        .partition(|(name, version)| latest.get(name.as_str()) == Some(version))
}

#[test]
fn the_event_catalogue_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/events.md");
    let doc = std::fs::read_to_string(path).expect("docs/events.md is readable");
    let (current, superseded) = known();
    assert_eq!(headings(&doc, "### ", ""), current, "current versions");
    assert_eq!(
        headings(&doc, "#### ", " (superseded)"),
        superseded,
        "superseded versions"
    );
}

#[test]
fn headings_are_read_strictly() {
    let doc = "### QuoteSent v1\n#### QuoteSent v0 (superseded)\n### Not a v heading\n## X v1\n";
    let names: Vec<_> = headings(doc, "### ", "").into_iter().collect();
    assert_eq!(names, vec![("QuoteSent".to_owned(), 1)]);
}
