//! The emails of docs/product.md §9.1, each composed from the facts it needs.
//! Composers are pure: the enqueuer loads the facts and addresses the drafts.

pub mod access;
pub mod booking;
pub mod message;
pub mod notify;
pub mod quote;
pub mod upload;

use super::body::{Block, Brand};
use super::draft::ReplyTo;
use cma_domain::Timestamp;
use cma_domain::team::Team;

/// The business as its clients see it.
pub fn brand(team: &Team) -> Brand {
    Brand {
        business_name: team.business_name.clone(),
        branding: team.branding.clone(),
    }
}

/// Where clients' answers go: the business's contact address in its name.
pub fn business_reply_to(team: &Team) -> Option<ReplyTo> {
    Some(ReplyTo {
        name: team.business_name.clone(),
        email: contact_email(team)?.to_owned(),
    })
}

/// The business's contact address: its setting, else the owner's email.
pub fn contact_email(team: &Team) -> Option<&str> {
    team.contact_email()
}

/// Where staff's answers about a client go: the client's own address.
pub fn client_reply_to(client_name: &str, client_email: Option<&str>) -> Option<ReplyTo> {
    client_email.map(|email| ReplyTo {
        name: client_name.to_owned(),
        email: email.to_owned(),
    })
}

/// Every staff member's email address.
pub fn staff_emails(team: &Team) -> Vec<String> {
    team.staff.iter().map(|m| m.email.clone()).collect()
}

/// `Monday 7 December 2026, 10:00` on the team's wall clock.
pub fn local_time(at: Timestamp, team: &Team) -> String {
    at.to_jiff()
        .to_zoned_datetime(team.schedule.zone())
        .strftime("%A %-d %B %Y, %H:%M")
        .to_string()
}

/// The blocks with every mention of `url` in a paragraph taken out into a
/// button labelled `label` (a long address in running text reads badly and
/// widens the email on a phone; the button writes the address out below
/// it, and the plain text keeps it whole).
pub fn with_button(blocks: Vec<Block>, url: &str, label: &str) -> Vec<Block> {
    let mut out = Vec::with_capacity(blocks.len() + 1);
    for block in blocks {
        let Block::Para(text) = block else {
            out.push(block);
            continue;
        };
        let mut rest = text.as_str();
        while let Some(at) = rest.find(url) {
            push_para(&mut out, &rest[..at]);
            out.push(Block::Link {
                label: label.to_owned(),
                url: url.to_owned(),
            });
            rest = &rest[at + url.len()..];
        }
        push_para(&mut out, rest);
    }
    out
}

fn push_para(out: &mut Vec<Block>, text: &str) {
    let text = text.trim_matches(|c: char| c == ' ' || c == '\n' || c == '\r');
    if !text.is_empty() {
        out.push(Block::Para(text.to_owned()));
    }
}

/// A text split into paragraphs at blank lines.
pub fn paragraphs(text: &str) -> Vec<Block> {
    text.split("\n\n")
        .map(|p| p.trim_matches(['\n', '\r']))
        .filter(|p| !p.trim().is_empty())
        .map(|p| Block::Para(p.to_owned()))
        .collect()
}
