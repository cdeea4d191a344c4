//! Names.

use super::*;

#[test]
fn a_path_keeps_only_its_last_component() {
    assert_eq!(sanitize_file_name("../../etc/passwd"), "passwd");
    assert_eq!(
        sanitize_file_name("C:\\Users\\me\\Desktop\\plan.pdf"),
        "plan.pdf"
    );
    assert_eq!(sanitize_file_name("photos/"), "file");
}

#[test]
fn windows_device_names_are_prefixed() {
    assert_eq!(sanitize_file_name("CON"), "_CON");
    assert_eq!(sanitize_file_name("nul.txt"), "_nul.txt");
    assert_eq!(sanitize_file_name("lpt1.tar.gz"), "_lpt1.tar.gz");
    assert_eq!(sanitize_file_name("CONSOLE.txt"), "CONSOLE.txt");
}

#[test]
fn unicode_names_are_kept() {
    assert_eq!(
        sanitize_file_name("Café plan — 1er étage.pdf"),
        "Café plan — 1er étage.pdf"
    );
    assert_eq!(
        sanitize_file_name("浴室のタイル 🛁.jpg"),
        "浴室のタイル 🛁.jpg"
    );
}

#[test]
fn control_reserved_and_invisible_characters_are_dropped() {
    assert_eq!(sanitize_file_name("a<b>c:d\"e|f?g*h.png"), "abcdefgh.png");
    assert_eq!(
        sanitize_file_name("bad\u{0}na\u{7}me\n\t x.png"),
        "badname x.png"
    );
    assert_eq!(
        sanitize_file_name("invoice\u{202E}gpj.exe"),
        "invoicegpj.exe"
    );
}

#[test]
fn an_empty_name_becomes_file() {
    assert_eq!(sanitize_file_name(""), "file");
    assert_eq!(sanitize_file_name("   "), "file");
    assert_eq!(sanitize_file_name(".."), "file");
    assert_eq!(sanitize_file_name("???"), "file");
}

#[test]
fn leading_and_trailing_dots_and_spaces_are_dropped() {
    assert_eq!(sanitize_file_name(".bashrc"), "bashrc");
    assert_eq!(sanitize_file_name("  report .pdf. "), "report.pdf");
    assert_eq!(sanitize_file_name("a  b   c.txt"), "a b c.txt");
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
