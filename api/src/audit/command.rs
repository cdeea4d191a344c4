//! `cma audit quote` and `cma audit verify`.

use super::certificate::Certificate;
use super::report::QuoteAudit;
use crate::store_args::Stores;
use anyhow::{Context, bail, ensure};
use cma_domain::ids::QuoteId;
use cma_store::verify::{Verified, verify_log};
use cma_store::{EventStore, Position, Service};
use indicatif::{ProgressBar, ProgressStyle};
use std::fmt::Write;
use std::sync::Arc;

/// How `cma audit quote` prints its report.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default)]
pub enum Format {
    /// The events, the acceptance checks and the certificate, for reading.
    #[default]
    Text,
    /// The report exactly as `GET /api/v1/audit/quotes/{id}` answers.
    Json,
    /// The printable acceptance certificate.
    Html,
}

/// Prints the audit of one quote; fails when the chain or a recorded hash does not check out.
pub async fn quote(config: &impl Stores, id: &str, format: Format) -> anyhow::Result<()> {
    let (out, verified) = render_quote(config, id, format).await?;
    println!("{out}");
    ensure!(verified, "quote {id} does not verify");
    Ok(())
}

/// The audit of one quote in this format, and whether everything checks out.
pub async fn render_quote(
    config: &impl Stores,
    id: &str,
    format: Format,
) -> anyhow::Result<(String, bool)> {
    let quote =
        QuoteId(uuid::Uuid::parse_str(id).with_context(|| format!("{id:?} is not a quote id"))?);
    let store = open(config).await?;
    let service = Service::new(store.clone());
    let rendered = render(&service, quote, format).await;
    store.close().await;
    rendered
}

async fn render(
    service: &Service,
    quote: QuoteId,
    format: Format,
) -> anyhow::Result<(String, bool)> {
    let audit = QuoteAudit::load(service.store().as_ref(), quote).await?;
    let certificate = Certificate::load(service, &audit).await?;
    let out = match format {
        Format::Json => serde_json::to_string_pretty(&audit)?,
        // Recorded text reaches a terminal: controls, bidirectional and
        // invisible characters are shown as escapes, never acted on.
        Format::Text => cma_domain::text::escaped(
            &text(&audit, certificate.as_ref()),
            cma_domain::text::Lines::Many,
        ),
        Format::Html => certificate
            .with_context(|| format!("quote {} has not been accepted", quote.0))?
            .html(),
    };
    Ok((out, audit.verified()))
}

fn text(audit: &QuoteAudit, certificate: Option<&Certificate>) -> String {
    let mut out = format!(
        "Quote {}: {} events\n\n",
        audit.quote_id.0,
        audit.events.len()
    );
    for e in &audit.events {
        let _ = writeln!(
            out,
            "#{} v{} {} {} by {}\n    ip {}  user agent {}\n    prev {}\n    hash {}\n    data {}",
            e.position,
            e.stream_version,
            e.recorded_at,
            e.event_type,
            e.actor,
            e.ip.as_deref().unwrap_or("-"),
            e.user_agent.as_deref().unwrap_or("-"),
            e.prev_hash,
            e.hash,
            e.data
        );
    }
    let _ = writeln!(
        out,
        "\nHash chain: {}",
        audit.broken_link.as_deref().unwrap_or("valid")
    );
    match (&audit.acceptance, certificate) {
        (Some(a), Some(c)) => {
            let _ = writeln!(
                out,
                "Content SHA-256 recorded {} recomputed {}: {}\nSignature SHA-256 recorded {} recomputed {}: {}\n\n{}",
                a.content_sha256,
                a.content_sha256_recomputed,
                verdict(a.content_matches),
                a.signature_sha256,
                a.signature_sha256_recomputed,
                verdict(a.signature_matches),
                c.text()
            );
        }
        _ => out.push_str("Not accepted.\n"),
    }
    out
}

fn verdict(matches: bool) -> &'static str {
    if matches { "match" } else { "MISMATCH" }
}

/// Verifies the hash chain of every stream after `from`, with a progress
/// bar; the error names the first broken link.
pub async fn verify(config: &impl Stores, from: Position) -> anyhow::Result<Verified> {
    let store = open(config).await?;
    let verified = verify_with_progress(store.as_ref(), from).await;
    store.close().await;
    verified
}

async fn verify_with_progress(store: &dyn EventStore, from: Position) -> anyhow::Result<Verified> {
    let head = store.head().await?;
    if from > head {
        bail!("--from {from} is beyond the log's head (position {head}): nothing to verify");
    }
    let bar = ProgressBar::new(head.saturating_sub(from));
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} positions ({per_sec})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let verified = verify_log(store, from, |position, _| {
        bar.set_position(position.saturating_sub(from));
    })
    .await;
    bar.finish_and_clear();
    // A broken link reads "hash chain broken: ..."; a store error is itself.
    Ok(verified?)
}

/// The event log, which must exist: an audit never creates one.
async fn open(config: &impl Stores) -> anyhow::Result<Arc<dyn EventStore>> {
    let config = config.stores();
    crate::event_store::open_event_store(config.existing()?)
        .await
        .context("cannot open the event log")
}
