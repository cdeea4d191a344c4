//! The acceptance certificate: who accepted what, when, from where, and
//! whether the record still proves it — as plain text and as printable HTML.

use super::report::{AuditError, QuoteAudit};
use crate::identity::origin::invites_used;
use cma_domain::Timestamp;
use cma_domain::client::Client;
use cma_domain::money::{LineAmounts, Totals};
use cma_domain::quote::{Quote, QuoteAccepted};
use cma_domain::team::Team;
use cma_store::Service;
use html_escape::encode_text as esc;
use jiff::tz::TimeZone;
use std::fmt::Write;

/// One selected line as accepted.
#[derive(Debug, Clone)]
pub struct CertificateLine {
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    pub tax_rate: String,
    pub amounts: LineAmounts,
}

impl CertificateLine {
    /// Quantity, unit price, tax rate, net, tax and total, as shown.
    fn figures(&self) -> [String; 6] {
        [
            self.quantity.clone(),
            self.unit_price.clone(),
            self.tax_rate.clone(),
            self.amounts.net.to_string(),
            self.amounts.tax.to_string(),
            self.amounts.total.to_string(),
        ]
    }
}

/// Everything the certificate states, gathered from the quote's, its team's
/// and its client's streams.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub business: String,
    pub client: String,
    pub quote_id: String,
    pub title: String,
    pub revision: u32,
    pub currency: String,
    pub lines: Vec<CertificateLine>,
    pub totals: Totals,
    pub content_sha256: String,
    pub content_matches: bool,
    pub name: String,
    pub signature_png: Vec<u8>,
    pub signature_sha256: String,
    pub signature_matches: bool,
    pub accepted_utc: String,
    pub accepted_local: String,
    pub ip: String,
    pub user_agent: String,
    pub authentication: String,
    /// The login email the client was signed in with, when recorded.
    pub login_email: Option<String>,
    /// The event id of the invite that created the credentials in use, when recorded.
    pub login_invite: Option<uuid::Uuid>,
    /// The address that had the login before that invite re-pointed it to
    /// another one, if it did.
    pub repointed_from: Option<String>,
    pub chain: String,
}

impl Certificate {
    /// The certificate of an audited quote, with its team's and client's
    /// names read from their streams (`None` before acceptance).
    pub async fn load(service: &Service, audit: &QuoteAudit) -> Result<Option<Self>, AuditError> {
        let Some((before, _)) = &audit.accepted else {
            return Ok(None);
        };
        let team = service
            .load::<Team>(audit.team.0)
            .await
            .map_err(|e| AuditError::Load(e.into()))?
            .state;
        let client = service
            .load::<Client>(before.client.0)
            .await
            .map_err(|e| AuditError::Load(e.into()))?
            .state;
        let Some(mut certificate) = Self::of(
            audit,
            &team.business_name,
            &client.name,
            &team.schedule.time_zone,
        ) else {
            return Ok(None);
        };
        if let Some(invite) = certificate.login_invite {
            certificate.repointed_from = invites_used(service, before.client.0)
                .await
                .map_err(|e| AuditError::Load(e.into()))?
                .into_iter()
                .find(|used| used.invite == invite)
                .and_then(|used| used.repointed_from);
        }
        Ok(Some(certificate))
    }

    /// The certificate of an accepted quote (`None` before acceptance).
    /// `time_zone` is the team's IANA zone; an unknown zone shows UTC.
    pub fn of(audit: &QuoteAudit, business: &str, client: &str, time_zone: &str) -> Option<Self> {
        let ((before, accepted), checked) = (audit.accepted.as_ref()?, audit.acceptance.as_ref()?);
        Some(Self {
            business: business.to_owned(),
            client: client.to_owned(),
            quote_id: audit.quote_id.0.to_string(),
            title: before.title.clone(),
            revision: accepted.revision,
            currency: accepted.currency.code().to_owned(),
            lines: lines(before, accepted),
            totals: accepted.totals,
            content_sha256: accepted.content_sha256.clone(),
            content_matches: checked.content_matches,
            name: accepted.name.clone(),
            signature_png: accepted.signature_png.clone(),
            signature_sha256: accepted.signature_sha256.clone(),
            signature_matches: checked.signature_matches,
            accepted_utc: local(accepted.at, &TimeZone::UTC),
            accepted_local: local(
                accepted.at,
                &TimeZone::get(time_zone).unwrap_or(TimeZone::UTC),
            ),
            ip: accepted.ip.clone(),
            user_agent: accepted.user_agent.clone(),
            authentication: format!(
                "logged in to the client portal with their email and password \
                 (client account {}, portal session {})",
                accepted.by.0, accepted.session.0
            ),
            login_email: accepted.login_email.clone(),
            login_invite: accepted.login_invite,
            repointed_from: None,
            chain: match &audit.broken_link {
                None => format!(
                    "verified: all {} events of the quote's hash chain are intact",
                    audit.events.len()
                ),
                Some(link) => format!("BROKEN: {link}"),
            },
        })
    }

    /// The certificate as plain text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "CERTIFICATE OF ACCEPTANCE\n");
        // One line per fact: a recorded value cannot add lines of its own.
        for (label, value) in self.facts() {
            let value = cma_domain::text::escaped(&value, cma_domain::text::Lines::One);
            let _ = writeln!(out, "{label:<22} {value}");
        }
        let _ = writeln!(out, "\nAccepted lines ({}):", self.currency);
        for l in &self.lines {
            let [quantity, unit_price, tax_rate, net, tax, total] = l.figures();
            let _ = writeln!(
                out,
                "  - {}: {quantity} x {unit_price} + {tax_rate}% tax = {net} + {tax} = {total}",
                cma_domain::text::escaped(&l.description, cma_domain::text::Lines::One),
            );
        }
        let _ = writeln!(
            out,
            "  Subtotal {}  Tax {}  Total {}",
            self.totals.subtotal, self.totals.tax, self.totals.total
        );
        out
    }

    /// The certificate as a printable HTML page; the signature is embedded
    /// as a `data:` image and every recorded text is escaped.
    pub fn html(&self) -> String {
        let mut out = String::from(HEAD);
        let _ = write!(
            out,
            "<h1>Certificate of acceptance</h1>\n<p class=\"sub\">{} &mdash; {}</p>\n<table class=\"facts\">\n",
            esc(&self.business),
            esc(&self.title)
        );
        for (label, value) in self.facts() {
            let _ = writeln!(
                out,
                "<tr><th>{}</th><td>{}</td></tr>",
                esc(label),
                esc(&value)
            );
        }
        let _ = write!(
            out,
            "</table>\n<h2>Signature</h2>\n<img class=\"signature\" alt=\"Signature of {}\" src=\"data:image/png;base64,{}\">\n",
            html_escape::encode_double_quoted_attribute(&self.name),
            base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                &self.signature_png
            )
        );
        let _ = write!(
            out,
            "<h2>Accepted lines ({})</h2>\n<table class=\"lines\">\n<tr><th>Description</th><th>Qty</th><th>Unit price</th><th>Tax %</th><th>Net</th><th>Tax</th><th>Total</th></tr>\n",
            esc(&self.currency)
        );
        for l in &self.lines {
            let cells: String = l
                .figures()
                .iter()
                .map(|f| format!("<td>{f}</td>"))
                .collect();
            let _ = writeln!(out, "<tr><td>{}</td>{cells}</tr>", esc(&l.description));
        }
        let _ = write!(
            out,
            "<tr class=\"totals\"><td colspan=\"4\">Totals</td><td>{}</td><td>{}</td><td>{}</td></tr>\n</table>\n</body>\n</html>\n",
            self.totals.subtotal, self.totals.tax, self.totals.total
        );
        out
    }

    fn facts(&self) -> Vec<(&'static str, String)> {
        let check = |matches: bool| if matches { "matches" } else { "DOES NOT MATCH" };
        vec![
            ("Business", self.business.clone()),
            ("Client", self.client.clone()),
            ("Quote", format!("{} ({})", self.title, self.quote_id)),
            ("Revision", self.revision.to_string()),
            (
                "Content SHA-256",
                format!(
                    "{} (recomputed from the events: {})",
                    self.content_sha256,
                    check(self.content_matches)
                ),
            ),
            ("Typed name", self.name.clone()),
            (
                "Signature SHA-256",
                format!(
                    "{} (image: {})",
                    self.signature_sha256,
                    check(self.signature_matches)
                ),
            ),
            ("Accepted (UTC)", self.accepted_utc.clone()),
            ("Accepted (team time)", self.accepted_local.clone()),
            ("IP address", self.ip.clone()),
            ("User agent", self.user_agent.clone()),
            ("Authentication", self.authentication.clone()),
            (
                "Login email",
                self.login_email
                    .clone()
                    .unwrap_or_else(|| NOT_RECORDED.to_owned()),
            ),
            ("Login created by", self.login_origin()),
            ("Event chain", self.chain.clone()),
        ]
    }
}

/// What the certificate says of evidence an older acceptance did not record.
pub const NOT_RECORDED: &str = "not recorded";

impl Certificate {
    /// The invite that created the credentials in use, and whether it
    /// re-pointed the login from another address.
    fn login_origin(&self) -> String {
        match (self.login_invite, &self.repointed_from) {
            (None, _) => NOT_RECORDED.to_owned(),
            (Some(invite), None) => format!("invite {invite}"),
            (Some(invite), Some(previous)) => {
                format!("invite {invite}, which re-pointed the login from {previous}")
            }
        }
    }
}

fn lines(before: &Quote, accepted: &QuoteAccepted) -> Vec<CertificateLine> {
    before
        .lines
        .iter()
        .filter(|l| accepted.selected_lines.contains(&l.id))
        .map(|l| CertificateLine {
            description: l.description.clone(),
            quantity: l.quantity.normalize().to_string(),
            unit_price: l.unit_price.to_string(),
            tax_rate: l.tax_rate.normalize().to_string(),
            amounts: before.line_amounts(l),
        })
        .collect()
}

fn local(at: Timestamp, zone: &TimeZone) -> String {
    at.to_jiff()
        .to_zoned_datetime(zone.clone())
        .strftime("%Y-%m-%d %H:%M:%S %Z (UTC%:z) [%Q]")
        .to_string()
}

const HEAD: &str = "<!DOCTYPE html>
<html lang=\"en\">
<head>
<meta charset=\"utf-8\">
<title>Certificate of acceptance</title>
<style>
body { font-family: Georgia, serif; max-width: 50rem; margin: 2rem auto; color: #111; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #111; padding-bottom: .3rem; }
.sub { color: #444; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #ccc; vertical-align: top; word-break: break-all; }
.facts th { width: 12rem; }
.lines td:nth-child(n+2) { text-align: right; }
.totals { font-weight: bold; }
.signature { max-width: 20rem; border: 1px solid #999; padding: .5rem; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
";
