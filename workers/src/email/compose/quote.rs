//! A client accepted a quote: staff get the evidence summary (docs/product.md §4.4, §9.1).

use super::{brand, client_reply_to, local_time, staff_emails};
use crate::email::body::Block;
use crate::email::draft::Draft;
use crate::email::kind::EmailKind;
use cma_domain::quote::{Quote, QuoteAccepted};
use cma_domain::team::Team;

/// `client_email`: where the client gets email, for staff's answers.
pub fn accepted(
    team: &Team,
    client_name: &str,
    client_email: Option<&str>,
    quote: &Quote,
    acceptance: &QuoteAccepted,
    certificate_url: &str,
) -> Draft {
    let currency = acceptance.currency.code();
    let money = |amount: rust_decimal::Decimal| format!("{amount} {currency}");
    let selected: Vec<String> = acceptance
        .selected_lines
        .iter()
        .map(|id| {
            quote
                .lines
                .iter()
                .find(|l| l.id == *id)
                .map_or_else(|| id.to_string(), |l| l.description.clone())
        })
        .collect();
    let at_utc = acceptance
        .at
        .to_jiff()
        .strftime("%Y-%m-%d %H:%M:%S UTC")
        .to_string();
    let at_local = format!(
        "{} ({})",
        local_time(acceptance.at, team),
        team.schedule.time_zone
    );
    Draft {
        kind: EmailKind::QuoteAccepted,
        team: team.id,
        recipients: staff_emails(team),
        subject: format!("{client_name} accepted \"{}\"", quote.title),
        blocks: vec![
            Block::Para(format!(
                "{client_name} accepted the quote \"{}\" (revision {}). It is now locked.",
                quote.title, acceptance.revision
            )),
            Block::Facts(vec![
                ("Typed name".to_owned(), acceptance.name.clone()),
                ("Accepted at (UTC)".to_owned(), at_utc),
                ("Accepted at (local)".to_owned(), at_local),
                ("IP address".to_owned(), acceptance.ip.clone()),
                ("User agent".to_owned(), acceptance.user_agent.clone()),
                ("Subtotal".to_owned(), money(acceptance.totals.subtotal)),
                ("Tax".to_owned(), money(acceptance.totals.tax)),
                ("Total".to_owned(), money(acceptance.totals.total)),
                (
                    "Content SHA-256".to_owned(),
                    acceptance.content_sha256.clone(),
                ),
                (
                    "Signature SHA-256".to_owned(),
                    acceptance.signature_sha256.clone(),
                ),
            ]),
            Block::Para(format!("Selected lines:\n{}", selected.join("\n"))),
            Block::Link {
                label: "Acceptance certificate".to_owned(),
                url: certificate_url.to_owned(),
            },
        ],
        brand: brand(team),
        calendar: None,
        reply_to: client_reply_to(client_name, client_email),
    }
}
