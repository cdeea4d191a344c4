//! A client uploaded a file: staff are told (docs/product.md §6.2).

use super::{brand, client_reply_to, staff_emails};
use crate::email::body::Block;
use crate::email::draft::Draft;
use crate::email::kind::EmailKind;
use cma_domain::file::FileUploaded;
use cma_domain::team::Team;

/// `client_email`: where the client gets email, for staff's answers.
pub fn client_upload(
    team: &Team,
    client_name: &str,
    client_email: Option<&str>,
    file: &FileUploaded,
) -> Draft {
    Draft {
        kind: EmailKind::ClientUpload,
        team: team.id,
        recipients: staff_emails(team),
        subject: format!("{client_name} uploaded {}", file.name),
        blocks: vec![
            Block::Para(format!(
                "{client_name} uploaded a file to Project Files & Inspiration."
            )),
            Block::Facts(vec![
                ("Client".to_owned(), client_name.to_owned()),
                ("File".to_owned(), file.name.clone()),
                ("Type".to_owned(), file.content_type.clone()),
                ("Size".to_owned(), size(file.size)),
            ]),
            Block::Para("It is on the client's record, ready to download.".to_owned()),
        ],
        brand: brand(team),
        calendar: None,
        reply_to: client_reply_to(client_name, client_email),
    }
}

/// `512 bytes`, `12.3 KiB`, `4.0 MiB`.
fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    match bytes {
        b if b < KIB => format!("{b} bytes"),
        b if b < KIB * KIB => format!("{}.{} KiB", b / KIB, (b % KIB) * 10 / KIB),
        b => format!(
            "{}.{} MiB",
            b / (KIB * KIB),
            (b % (KIB * KIB)) * 10 / (KIB * KIB)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(512), "512 bytes");
        assert_eq!(size(12_595), "12.2 KiB");
        assert_eq!(size(4 * 1024 * 1024), "4.0 MiB");
    }
}
