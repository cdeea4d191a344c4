//! A new message in a client's thread, to the other side (docs/product.md §7, §9.1).

use super::{brand, business_reply_to, client_reply_to, staff_emails};
use crate::email::body::Block;
use crate::email::draft::Draft;
use crate::email::kind::EmailKind;
use cma_domain::team::Team;

/// The client wrote: every staff member hears of it, and an answer by
/// email goes to the client (`client_email`).
pub fn to_staff(team: &Team, client_name: &str, client_email: Option<&str>, text: &str) -> Draft {
    Draft {
        kind: EmailKind::NewMessage,
        team: team.id,
        recipients: staff_emails(team),
        subject: format!("New message from {client_name}"),
        blocks: vec![
            Block::Para(format!("{client_name} wrote:")),
            Block::Quote(text.to_owned()),
            Block::Para("Reply from the Messages inbox.".to_owned()),
        ],
        brand: brand(team),
        calendar: None,
        reply_to: client_reply_to(client_name, client_email),
    }
}

/// Staff wrote: the client hears of it, with a link to their Messages page.
pub fn to_client(team: &Team, client_email: &str, text: &str, messages_url: &str) -> Draft {
    Draft {
        kind: EmailKind::NewMessage,
        team: team.id,
        recipients: vec![client_email.to_owned()],
        subject: format!("New message from {}", team.business_name),
        blocks: vec![
            Block::Para(format!("{} wrote:", team.business_name)),
            Block::Quote(text.to_owned()),
            Block::Link {
                label: "Read and reply".to_owned(),
                url: messages_url.to_owned(),
            },
        ],
        brand: brand(team),
        calendar: None,
        reply_to: business_reply_to(team),
    }
}
