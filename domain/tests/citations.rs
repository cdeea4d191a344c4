//! The repository explains itself: every section sign (U+00A7) in a file of
//! the repository cites a section of `docs/product.md` that exists, and
//! nothing points to documents outside the repository (a bare API file
//! name, a product file, a shared folder) where `docs/api.md` and
//! `docs/product.md` are meant.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const SECTION_SIGN: char = '\u{a7}';

/// Names that point outside the repository. Spelled in pieces so that this
/// file does not name them itself.
const OUTSIDE: &[&str] = &[
    concat!("API", ".md"),
    concat!("PRODUCT", ".md"),
    concat!("PRODUCT ", "\u{a7}"),
    concat!("shared", "/"),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The section numbers of docs/product.md: `## N. Title` and `### N.M Title`.
fn sections(doc: &str) -> BTreeSet<String> {
    doc.lines()
        .filter_map(|line| {
            let number = match line.strip_prefix("### ") {
                Some(rest) => rest.split_once(' ')?.0,
                None => line.strip_prefix("## ")?.split_once(". ")?.0,
            };
            let numeric = number
                .split('.')
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()));
            numeric.then(|| number.to_owned())
        })
        .collect()
}

/// The number after each section sign in a text, `N` or `N.M` (empty when
/// no number follows).
fn citations(text: &str) -> Vec<String> {
    text.split(SECTION_SIGN)
        .skip(1)
        .map(|rest| {
            let end = rest
                .char_indices()
                .find(|&(i, c)| {
                    !(c.is_ascii_digit()
                        || (c == '.' && rest[i + 1..].starts_with(|d: char| d.is_ascii_digit())))
                })
                .map_or(rest.len(), |(i, _)| i);
            rest[..end].to_owned()
        })
        .collect()
}

/// The repository's files: tracked ones and new ones not ignored.
fn files() -> Vec<PathBuf> {
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root())
        .output()
        .expect("git lists the repository's files");
    assert!(listed.status.success(), "git ls-files failed");
    listed
        .stdout
        .split(|&b| b == 0)
        .filter(|name| !name.is_empty())
        .map(|name| PathBuf::from(String::from_utf8_lossy(name).into_owned()))
        .collect()
}

#[test]
fn every_citation_names_a_section_and_nothing_points_outside_the_repository() {
    let product = std::fs::read_to_string(root().join("docs/product.md"))
        .expect("docs/product.md is readable");
    let known = sections(&product);
    assert!(known.len() > 40, "docs/product.md sections: {known:?}");
    let mut wrong = Vec::new();
    let mut read = 0;
    for file in files() {
        // Binary files (golden bytes, images) and files deleted but not yet
        // committed hold no text to check.
        let Ok(text) = std::fs::read_to_string(root().join(&file)) else {
            continue;
        };
        read += 1;
        for number in citations(&text) {
            if !known.contains(&number) {
                wrong.push(format!(
                    "{}: {SECTION_SIGN}{number} is not a section of docs/product.md",
                    file.display()
                ));
            }
        }
        for name in OUTSIDE.iter().filter(|name| text.contains(*name)) {
            wrong.push(format!(
                "{}: mentions {name}; cite docs/api.md or docs/product.md",
                file.display()
            ));
        }
    }
    assert!(read > 100, "only {read} files read");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn sections_and_citations_are_read_strictly() {
    let doc = "## 4. Quotes\n### 4.3 Optional lines\n## Not a section\n### Five\n#### 4.9 Deep\n";
    let numbers: Vec<_> = sections(doc).into_iter().collect();
    assert_eq!(numbers, ["4", "4.3"]);
    let text = "(see \u{a7}4.3, \u{a7}8.2\u{2013}\u{a7}8.4 and \u{a7}10.) and \u{a7}x";
    assert_eq!(citations(text), ["4.3", "8.2", "8.4", "10", ""]);
}
