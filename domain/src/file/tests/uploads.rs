//! Uploads.

use super::*;

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
    given::<StoredFile>([])
        .when(upload_by(
            portal(bob(), Sections::ALL, true),
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
    let mut cmd = upload("a.png", "image/png");
    if let FileCommand::Upload { sha256, .. } = &mut cmd {
        *sha256 = DIGEST.to_uppercase();
    }
    given::<StoredFile>([])
        .when(cmd)
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
