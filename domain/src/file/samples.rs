//! One value of every file event, for golden fixtures and docs.

use super::events::*;
use crate::access::Author;
use crate::ids::{ClientId, FileId, StaffId};
use uuid::Uuid;

pub fn events() -> Vec<FileEvent> {
    let file = FileId(Uuid::from_u128(0xf11e_0001));
    let client = ClientId(Uuid::from_u128(0xc1_0001));
    vec![
        FileEvent::Uploaded(FileUploaded {
            file,
            client,
            by: Author::Client(client),
            name: "kitchen sketch.png".to_owned(),
            content_type: "image/png".to_owned(),
            size: 48_213,
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_owned(),
            storage_key: "files/f11e0001".to_owned(),
        }),
        FileEvent::Removed(FileRemoved {
            file,
            by: StaffId(Uuid::from_u128(0x57_0001)),
        }),
    ]
}
