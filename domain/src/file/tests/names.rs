//! Names.

use super::*;

#[test]
fn a_name_keeps_its_last_component_and_readable_characters_only() {
    for (name, stored) in [
        // Only the last component of a path.
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\Desktop\\plan.pdf", "plan.pdf"),
        ("photos/", "file"),
        // Windows device names are prefixed.
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("lpt1.tar.gz", "_lpt1.tar.gz"),
        ("CONSOLE.txt", "CONSOLE.txt"),
        // Letters of any script and emoji are kept.
        ("Café plan — 1er étage.pdf", "Café plan — 1er étage.pdf"),
        ("浴室のタイル 🛁.jpg", "浴室のタイル 🛁.jpg"),
        // Control, reserved and invisible characters are dropped.
        ("a<b>c:d\"e|f?g*h.png", "abcdefgh.png"),
        ("bad\u{0}na\u{7}me\n\t x.png", "badname x.png"),
        ("invoice\u{202E}gpj.exe", "invoicegpj.exe"),
        // Nothing left is `file`.
        ("", "file"),
        ("   ", "file"),
        ("..", "file"),
        ("???", "file"),
        // Leading and trailing dots and spaces are dropped, inner runs of spaces folded.
        (".bashrc", "bashrc"),
        ("  report .pdf. ", "report.pdf"),
        ("a  b   c.txt", "a b c.txt"),
    ] {
        assert_eq!(sanitize_file_name(name), stored, "{name:?}");
    }
}

#[test]
fn a_long_name_is_shortened_keeping_its_extension() {
    let name = format!("{}.jpeg", "a".repeat(300));
    let clean = sanitize_file_name(&name);
    assert_eq!(clean.chars().count(), MAX_NAME_CHARS);
    assert!(clean.ends_with("a.jpeg"));
    let no_ext = sanitize_file_name(&"é".repeat(300));
    assert_eq!(no_ext.chars().count(), MAX_NAME_CHARS);
}

#[test]
fn only_a_short_alphanumeric_suffix_counts_as_an_extension() {
    let long_ext = format!("x.{}", "b".repeat(MAX_EXTENSION_CHARS + 1));
    assert_eq!(sanitize_file_name(&long_ext), long_ext);
    assert_eq!(sanitize_file_name("notes.tx t"), "notes.tx t");
}

#[test]
fn the_stored_name_is_sanitised() {
    given::<StoredFile>([])
        .when(upload("../secret/CON.png", "image/png"))
        .then([uploaded(Author::Client(alice()), "_CON.png", "image/png")]);
}

proptest::proptest! {
    #[test]
    fn a_sanitised_name_is_never_empty_short_and_free_of_separators(name in "\\PC{0,300}|[./\\\\ a-zA-Z:*?]{0,40}") {
        let clean = sanitize_file_name(&name);
        proptest::prop_assert!(!clean.is_empty());
        proptest::prop_assert!(clean.chars().count() <= MAX_NAME_CHARS);
        proptest::prop_assert!(!clean.contains(['/', '\\', ':', '*', '?']));
        proptest::prop_assert!(!clean.chars().any(char::is_control));
        proptest::prop_assert!(!clean.starts_with(['.', ' ']) && !clean.ends_with(['.', ' ']));
        proptest::prop_assert_eq!(sanitize_file_name(&clean), clean);
    }
}
