use super::*;
use crate::access::{AccessDenied, Author, By, ClientPortal, Section, Sections};
use crate::codec::EventCodec;
use crate::ids::{ClientId, FileId, StaffId};
use crate::testing::given;
use crate::{Refusal, RefusalKind};
use uuid::Uuid;

const MIB_25: u64 = 25 * 1024 * 1024;
const DIGEST: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn alice() -> ClientId {
    ClientId(Uuid::from_u128(0xa11ce))
}

fn staff() -> StaffId {
    StaffId(Uuid::from_u128(0x57aff))
}

fn file() -> FileId {
    FileId(Uuid::from_u128(0xf11e))
}

fn portal(client: ClientId, sections: Sections, enabled: bool) -> By {
    By::Client(ClientPortal {
        client,
        enabled,
        sections,
    })
}

fn alice_portal() -> By {
    portal(alice(), Sections::ALL, true)
}

fn upload_by(by: By, name: &str, content_type: &str, size: u64) -> FileCommand {
    FileCommand::Upload {
        file: file(),
        client: alice(),
        by,
        name: name.into(),
        content_type: content_type.into(),
        size,
        max_size: MIB_25,
        sha256: DIGEST.into(),
        storage_key: "files/f11e".into(),
    }
}

fn upload(name: &str, content_type: &str) -> FileCommand {
    upload_by(alice_portal(), name, content_type, 1_000)
}

fn uploaded(by: Author, name: &str, content_type: &str) -> FileEvent {
    FileEvent::Uploaded(FileUploaded {
        file: file(),
        client: alice(),
        by,
        name: name.into(),
        content_type: content_type.into(),
        size: 1_000,
        sha256: DIGEST.into(),
        storage_key: "files/f11e".into(),
    })
}

// ---- uploads ----

#[test]
fn a_client_uploads_a_photo_to_their_record() {
    given::<StoredFile>([])
        .when(upload("Kitchen.JPG", "image/jpeg"))
        .then([uploaded(
            Author::Client(alice()),
            "Kitchen.JPG",
            "image/jpeg",
        )]);
}

#[test]
fn staff_upload_for_a_client() {
    given::<StoredFile>([])
        .when(upload_by(
            By::Staff(staff()),
            "plan.pdf",
            "application/pdf",
            1_000,
        ))
        .then([uploaded(
            Author::Staff(staff()),
            "plan.pdf",
            "application/pdf",
        )]);
}

#[test]
fn a_client_cannot_upload_with_files_off() {
    let off = Sections {
        files: false,
        ..Sections::ALL
    };
    given::<StoredFile>([])
        .when(upload_by(
            portal(alice(), off, true),
            "a.png",
            "image/png",
            1,
        ))
        .then_refused(AccessDenied::SectionOff(Section::Files).into());
}

#[test]
fn a_suspended_client_cannot_upload() {
    given::<StoredFile>([])
        .when(upload_by(
            portal(alice(), Sections::ALL, false),
            "a.png",
            "image/png",
            1,
        ))
        .then_refused(AccessDenied::PortalSuspended.into());
}

#[test]
fn a_client_cannot_upload_to_another_clients_record() {
    let bob = ClientId(Uuid::from_u128(0xb0b));
    given::<StoredFile>([])
        .when(upload_by(
            portal(bob, Sections::ALL, true),
            "a.png",
            "image/png",
            1,
        ))
        .then_refused(FileError::NotFound);
}

#[test]
fn a_file_over_the_limit_is_too_large() {
    given::<StoredFile>([])
        .when(upload_by(alice_portal(), "a.png", "image/png", MIB_25 + 1))
        .then_refused(FileError::TooLarge {
            size: MIB_25 + 1,
            limit: MIB_25,
        });
}

#[test]
fn a_file_exactly_at_the_limit_is_accepted() {
    let outcome = given::<StoredFile>([])
        .when(upload_by(alice_portal(), "a.png", "image/png", MIB_25))
        .outcome();
    assert!(outcome.is_ok(), "{outcome:?}");
}

#[test]
fn an_empty_file_is_refused() {
    given::<StoredFile>([])
        .when(upload_by(alice_portal(), "a.png", "image/png", 0))
        .then_refused(FileError::Empty);
}

#[test]
fn a_type_off_the_allow_list_is_refused_whatever_the_name() {
    given::<StoredFile>([])
        .when(upload("photo.png", "text/html; charset=utf-8"))
        .then_refused(FileError::TypeNotAllowed("text/html".into()));
}

#[test]
fn the_stored_type_is_the_sniffed_essence() {
    given::<StoredFile>([])
        .when(upload("notes.txt", "Text/Plain; charset=UTF-8"))
        .then([uploaded(Author::Client(alice()), "notes.txt", "text/plain")]);
}

#[test]
fn the_allow_list_takes_images_pdf_text_and_office_documents() {
    for ok in [
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/heic",
        "application/pdf",
        "text/plain",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
    ] {
        assert!(allowed_content_type(ok), "{ok}");
    }
    for refused in [
        "image/svg+xml",
        "text/html",
        "application/zip",
        "application/x-msdownload",
        "application/octet-stream",
        "",
    ] {
        assert!(!allowed_content_type(refused), "{refused}");
    }
}

#[test]
fn a_digest_must_be_sha256_hex() {
    let FileCommand::Upload {
        file,
        client,
        by,
        name,
        content_type,
        size,
        max_size,
        storage_key,
        ..
    } = upload("a.png", "image/png")
    else {
        unreachable!()
    };
    given::<StoredFile>([])
        .when(FileCommand::Upload {
            file,
            client,
            by,
            name,
            content_type,
            size,
            max_size,
            sha256: DIGEST.to_uppercase(),
            storage_key,
        })
        .then_refused(FileError::BadDigest);
    assert!(is_sha256_hex(DIGEST));
    assert!(!is_sha256_hex(&DIGEST[1..]));
}

#[test]
fn repeating_an_upload_records_nothing() {
    given::<StoredFile>([uploaded(
        Author::Client(alice()),
        "Kitchen.JPG",
        "image/jpeg",
    )])
    .when(upload("Kitchen.JPG", "image/jpeg"))
    .then_nothing();
}

#[test]
fn a_file_id_cannot_be_reused_for_another_upload() {
    given::<StoredFile>([uploaded(
        Author::Client(alice()),
        "Kitchen.JPG",
        "image/jpeg",
    )])
    .when(upload("Other.png", "image/png"))
    .then_refused(FileError::AlreadyUploaded);
}

// ---- removal ----

#[test]
fn staff_remove_a_file() {
    let state = given::<StoredFile>([uploaded(Author::Client(alice()), "a.png", "image/png")])
        .when(FileCommand::Remove { staff: staff() })
        .then([FileEvent::Removed(FileRemoved {
            file: file(),
            by: staff(),
        })]);
    assert!(!state.is_present());
}

#[test]
fn removing_a_removed_file_records_nothing() {
    given::<StoredFile>([
        uploaded(Author::Client(alice()), "a.png", "image/png"),
        FileEvent::Removed(FileRemoved {
            file: file(),
            by: staff(),
        }),
    ])
    .when(FileCommand::Remove { staff: staff() })
    .then_nothing();
}

#[test]
fn removing_an_unknown_file_is_not_found() {
    given::<StoredFile>([])
        .when(FileCommand::Remove { staff: staff() })
        .then_refused(FileError::NotFound);
}

// ---- names ----

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

#[test]
fn refusals_map_to_their_status_kinds() {
    assert_eq!(
        FileError::TooLarge { size: 2, limit: 1 }.kind(),
        RefusalKind::Unprocessable
    );
    assert_eq!(
        FileError::TypeNotAllowed("x".into()).kind(),
        RefusalKind::Unprocessable
    );
    assert_eq!(FileError::NotFound.kind(), RefusalKind::NotFound);
    assert_eq!(
        FileError::from(AccessDenied::PortalSuspended).kind(),
        RefusalKind::Forbidden
    );
}

#[test]
fn every_file_event_round_trips_through_the_codec() {
    let events = samples::events();
    let mut types: Vec<&str> = events.iter().map(EventCodec::event_type).collect();
    types.sort_unstable();
    let mut known: Vec<&str> = FileEvent::known_versions()
        .iter()
        .map(|(t, _)| *t)
        .collect();
    known.sort_unstable();
    assert_eq!(types, known, "samples hold every variant");
    for e in events {
        let back = FileEvent::decode(e.event_type(), e.schema_version(), &e.encode());
        assert_eq!(back, Ok(e));
    }
}
