//! One addressed email as the bytes that are sent: text and HTML parts,
//! the calendar attachment, and a Message-ID derived from the triggering
//! event and the recipient, so a resend is recognisably the same message.

use super::body;
use super::dkim::Dkim;
use super::draft::Draft;
use cma_domain::Timestamp;
use cma_domain::sha256::sha256_hex;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use std::time::{Duration, SystemTime};
use uuid::Uuid;

/// A finished message for one recipient.
#[derive(Clone, Debug)]
pub struct Built {
    pub message_id: String,
    /// The envelope sender (the From address).
    pub sender: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{0:?} is not an email address: {1}")]
    Address(String, lettre::address::AddressError),
    #[error("cannot build the message: {0}")]
    Message(#[from] lettre::error::Error),
    #[error("bad attachment type: {0}")]
    ContentType(#[from] lettre::message::header::ContentTypeErr),
}

/// `<{event id}.{first 16 hex digits of SHA-256(recipient)}@cma>`.
pub fn message_id(event: Uuid, recipient: &str) -> String {
    let digest = sha256_hex(recipient.as_bytes());
    format!("<{event}.{}@cma>", &digest[..16])
}

/// Addresses `draft` to `recipient`, dated `at`, from `from_address` in the
/// business's name, answered at the draft's Reply-To, signed with `dkim` if any.
pub fn build(
    draft: &Draft,
    recipient: &str,
    event: Uuid,
    at: Timestamp,
    from_address: &str,
    dkim: Option<&Dkim>,
) -> Result<Built, BuildError> {
    let address = |a: &str| a.parse().map_err(|e| BuildError::Address(a.to_owned(), e));
    let from = Mailbox::new(
        Some(draft.brand.business_name.clone()),
        address(from_address)?,
    );
    let to = Mailbox::new(None, address(recipient)?);
    let message_id = message_id(event, recipient);
    let alternative = MultiPart::alternative_plain_html(
        body::plain(&draft.blocks, &draft.brand),
        body::html(&draft.subject, &draft.blocks, &draft.brand),
    );
    let content = match &draft.calendar {
        None => alternative,
        Some(calendar) => {
            let content_type = ContentType::parse(&format!(
                "text/calendar; charset=utf-8; method={}",
                calendar.method.as_str()
            ))?;
            let file = match calendar.method {
                super::ics::Method::Request => "invite.ics",
                super::ics::Method::Cancel => "cancel.ics",
            };
            MultiPart::mixed().multipart(alternative).singlepart(
                Attachment::new(file.to_owned()).body(calendar.ics.clone(), content_type),
            )
        }
    };
    let micros = u64::try_from(at.as_micros()).unwrap_or(0);
    let mut builder = Message::builder().from(from.clone());
    if let Some(reply_to) = &draft.reply_to {
        builder = builder.reply_to(Mailbox::new(
            Some(reply_to.name.clone()),
            address(&reply_to.email)?,
        ));
    }
    let mut message = builder
        .to(to)
        .subject(draft.subject.clone())
        .date(SystemTime::UNIX_EPOCH + Duration::from_micros(micros))
        .message_id(Some(message_id.clone()))
        .multipart(content)?;
    if let Some(dkim) = dkim {
        dkim.sign(&mut message);
    }
    Ok(Built {
        message_id,
        sender: from.email.to_string(),
        bytes: message.formatted(),
    })
}
