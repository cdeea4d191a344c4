//! Something is waiting for the client in their portal: a quote sent or
//! revised, an invoice issued, a file shared by staff. Updates for one
//! client within the quiet period share one email listing them all.

use super::{brand, business_reply_to};
use crate::email::body::Block;
use crate::email::draft::Draft;
use crate::email::kind::EmailKind;
use cma_domain::ids::{InvoiceId, QuoteId};
use cma_domain::team::Team;
use serde::{Deserialize, Serialize};

/// One thing waiting for the client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Update {
    QuoteSent {
        quote: QuoteId,
        title: String,
        /// Sent again after a change (revision 2 onwards).
        revised: bool,
    },
    InvoiceIssued {
        invoice: InvoiceId,
        number: String,
    },
    FileShared {
        name: String,
    },
    /// The due day has passed with something still to pay.
    InvoiceOverdue {
        invoice: InvoiceId,
        number: String,
    },
}

impl Update {
    /// What happened, in a sentence, and the portal page it waits on.
    fn describe(&self, business: &str, portal: &str) -> (String, String, String) {
        match self {
            Update::QuoteSent {
                quote,
                title,
                revised,
            } => (
                if *revised {
                    format!("{business} revised the quote \"{title}\".")
                } else {
                    format!("{business} sent you a quote: \"{title}\".")
                },
                "View the quote".to_owned(),
                format!("{portal}/portal/quotes/{quote}"),
            ),
            Update::InvoiceIssued { invoice, number } => (
                format!("{business} issued invoice {number}."),
                "View the invoice".to_owned(),
                format!("{portal}/portal/invoices/{invoice}"),
            ),
            Update::InvoiceOverdue { invoice, number } => (
                format!("Invoice {number} from {business} is now overdue."),
                "View the invoice".to_owned(),
                format!("{portal}/portal/invoices/{invoice}"),
            ),
            Update::FileShared { name } => (
                format!("{business} shared a file with you: {name}."),
                "See your files".to_owned(),
                format!("{portal}/portal/files"),
            ),
        }
    }

    fn subject(&self, business: &str) -> String {
        match self {
            Update::QuoteSent {
                title,
                revised: true,
                ..
            } => format!("{business} revised your quote: {title}"),
            Update::QuoteSent { title, .. } => format!("New quote from {business}: {title}"),
            Update::InvoiceIssued { number, .. } => format!("Invoice {number} from {business}"),
            Update::InvoiceOverdue { number, .. } => {
                format!("Invoice {number} from {business} is overdue")
            }
            Update::FileShared { name } => format!("{business} shared {name} with you"),
        }
    }
}

/// One email to the client at `to` listing `updates` (at least one), each
/// with a button to its page under `portal` (`CMA_PUBLIC_URL`).
pub fn updates(team: &Team, to: &str, updates: &[Update], portal: &str) -> Draft {
    let business = team.business_name.as_str();
    let subject = match updates {
        [one] => one.subject(business),
        many => format!("{} new things from {business} in your portal", many.len()),
    };
    let mut blocks = vec![Block::Para(match updates {
        [_] => format!("There is something new for you in your {business} portal."),
        _ => format!(
            "There are {} new things for you in your {business} portal.",
            updates.len()
        ),
    })];
    for update in updates {
        let (sentence, label, url) = update.describe(business, portal);
        blocks.push(Block::Para(sentence));
        blocks.push(Block::Link { label, url });
    }
    blocks.push(Block::Para(format!(
        "Reply to this email to reach {business}."
    )));
    Draft {
        kind: EmailKind::PortalUpdate,
        team: team.id,
        recipients: vec![to.to_owned()],
        subject,
        blocks,
        brand: brand(team),
        calendar: None,
        reply_to: business_reply_to(team),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_updates_are_listed_each_with_its_page() {
        let team = Team {
            business_name: "Pipe & Co".to_owned(),
            ..Team::default()
        };
        let quote = QuoteId::new();
        let invoice = InvoiceId::new();
        let draft = updates(
            &team,
            "ann@x.test",
            &[
                Update::QuoteSent {
                    quote,
                    title: "Boiler".to_owned(),
                    revised: true,
                },
                Update::InvoiceIssued {
                    invoice,
                    number: "INV-0001".to_owned(),
                },
                Update::FileShared {
                    name: "plan.pdf".to_owned(),
                },
            ],
            "https://p.test",
        );
        assert_eq!(draft.subject, "3 new things from Pipe & Co in your portal");
        let links: Vec<&str> = draft
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Link { url, .. } => Some(url.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            links,
            [
                format!("https://p.test/portal/quotes/{quote}"),
                format!("https://p.test/portal/invoices/{invoice}"),
                "https://p.test/portal/files".to_owned(),
            ]
        );
        assert!(draft.blocks.contains(&Block::Para(
            "Pipe & Co revised the quote \"Boiler\".".to_owned()
        )));
    }
}
