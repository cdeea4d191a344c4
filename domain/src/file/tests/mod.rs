use super::*;
use crate::access::{AccessDenied, Author, By, ClientPortal, Section, Sections};
use crate::ids::{ClientId, FileId};
use crate::testing::fixtures::{alice, bob, staff};
use crate::testing::given;
use crate::{Refusal, RefusalKind};
use uuid::Uuid;

const MIB_25: u64 = 25 * 1024 * 1024;
const DIGEST: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

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

mod names;
mod plumbing;
mod removal;
mod uploads;
