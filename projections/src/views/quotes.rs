//! Quotes: the quote view (lines with amounts, current selection, totals,
//! line comment threads, acceptance) and each client's quote list. Each
//! quote is folded with the domain's own `Quote::evolve`; amounts, totals
//! and status come from the domain too.

use crate::bulk::{Columns, Table, select_in};
use crate::convert::{author, date, decimal, id, micros, parse_id};
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, decode, stream_id};
use crate::tx::{Fields, Kind, Row, Tx};
use async_trait::async_trait;
use cma_domain::Aggregate;
use cma_domain::codec::{decode_payload, encode_payload};
use cma_domain::ids::QuoteId;
use cma_domain::money::Currency;
use cma_domain::quote::{Quote, QuoteAccepted, QuoteEvent, QuoteLine};
use cma_store::Recorded;
use std::collections::{HashMap, HashSet};

pub struct QuotesView;

const QUOTE_COLUMNS: &[&str] = &[
    "quote_id",
    "team_id",
    "client_id",
    "title",
    "currency",
    "expires_on",
    "revision",
    "sent",
    "withdrawn",
    "expired",
    "status",
    "subtotal",
    "tax",
    "total",
    "accepted_name",
    "accepted_at",
    "accepted_ip",
    "acceptance",
    "created_at",
    "sent_at",
];
const LINE_COLUMNS: &[&str] = &[
    "quote_id",
    "line_id",
    "ord",
    "description",
    "quantity",
    "unit_price",
    "tax_rate",
    "optional",
    "default_selected",
    "selected",
    "net",
    "tax",
    "total",
];
const COMMENT_COLUMNS: &[&str] = &[
    "quote_id",
    "position",
    "comment_id",
    "line_id",
    "author",
    "author_id",
    "text",
    "at",
];

/// A quote folded so far.
struct Doc {
    quote: Quote,
    created_at: i64,
    /// When it was sent (`QuoteSent.at`), once sent.
    sent_at: Option<i64>,
    /// Its lines were replaced in this batch (old rows must go).
    edited: bool,
}

/// What a later batch reads back of a quote.
const QUOTE_READ: &Columns = &[
    ("quote_id", Kind::Text),
    ("team_id", Kind::Text),
    ("client_id", Kind::Text),
    ("title", Kind::Text),
    ("currency", Kind::Text),
    ("expires_on", Kind::Text),
    ("revision", Kind::Int),
    ("sent", Kind::Int),
    ("withdrawn", Kind::Int),
    ("expired", Kind::Int),
    ("acceptance", Kind::Blob),
    ("created_at", Kind::Int),
    ("sent_at", Kind::Int),
];
/// What a later batch reads back of a quote's line.
const LINE_READ: &Columns = &[
    ("quote_id", Kind::Text),
    ("ord", Kind::Int),
    ("line_id", Kind::Text),
    ("description", Kind::Text),
    ("quantity", Kind::Text),
    ("unit_price", Kind::Text),
    ("tax_rate", Kind::Text),
    ("optional", Kind::Int),
    ("default_selected", Kind::Int),
    ("selected", Kind::Int),
];

fn doc(mut f: Fields) -> Result<(QuoteId, Doc), ProjectionError> {
    let id: QuoteId = parse_id(&f.text()?)?;
    let team = parse_id(&f.text()?)?;
    let client = parse_id(&f.text()?)?;
    let title = f.text()?;
    let currency = f.text()?;
    let currency = Currency::from_code(&currency)
        .ok_or_else(|| ProjectionError::corrupt("currency", &currency))?;
    let expires_on = f.opt_text()?.as_deref().map(date).transpose()?;
    let revision = u32::try_from(f.int()?).unwrap_or(u32::MAX);
    let (sent, withdrawn, expired) = (f.int()? != 0, f.int()? != 0, f.int()? != 0);
    let acceptance = match f.opt_blob()? {
        None => None,
        Some(bytes) => Some(
            decode_payload::<QuoteAccepted>("QuoteAccepted", 1, &bytes)
                .map_err(|e| ProjectionError::Corrupt(e.to_string()))?,
        ),
    };
    let quote = Quote {
        exists: true,
        id,
        team,
        client,
        title,
        currency,
        expires_on,
        lines: Vec::new(),
        selection: Default::default(),
        revision,
        sent,
        withdrawn,
        expired,
        comments: Vec::new(),
        acceptance,
    };
    let created_at = f.int()?;
    let sent_at = f.opt_int()?;
    Ok((
        id,
        Doc {
            quote,
            created_at,
            sent_at,
            edited: false,
        },
    ))
}

async fn load(
    tx: &mut dyn Tx,
    tables: &TableNames,
    ids: Vec<String>,
) -> Result<HashMap<QuoteId, Doc>, ProjectionError> {
    let mut docs = HashMap::new();
    let quotes = select_in(
        tx,
        &tables.of("quotes"),
        QUOTE_READ,
        "quote_id",
        ids.clone(),
    )
    .await?;
    for fields in quotes {
        let (id, doc) = doc(fields)?;
        docs.insert(id, doc);
    }
    let mut lines = Vec::new();
    for mut f in select_in(tx, &tables.of("quote_lines"), LINE_READ, "quote_id", ids).await? {
        let quote: QuoteId = parse_id(&f.text()?)?;
        lines.push((quote, f.int()?, f));
    }
    lines.sort_by_key(|(_, ord, _)| *ord);
    for (quote, _, mut f) in lines {
        let Some(doc) = docs.get_mut(&quote) else {
            continue;
        };
        let line = QuoteLine {
            id: parse_id(&f.text()?)?,
            description: f.text()?,
            quantity: decimal(&f.text()?)?,
            unit_price: decimal(&f.text()?)?,
            tax_rate: decimal(&f.text()?)?,
            optional: f.int()? != 0,
            selected: f.int()? != 0,
        };
        if f.int()? != 0 {
            doc.quote.selection.insert(line.id);
        }
        doc.quote.lines.push(line);
    }
    Ok(docs)
}

fn quote_row(doc: &Doc) -> Row {
    let q = &doc.quote;
    let totals = q.totals();
    let acceptance = q.acceptance.as_ref();
    vec![
        id(q.id.0).into(),
        id(q.team.0).into(),
        id(q.client.0).into(),
        q.title.as_str().into(),
        q.currency.code().into(),
        q.expires_on.map(|d| d.to_string()).into(),
        i64::from(q.revision).into(),
        q.sent.into(),
        q.withdrawn.into(),
        q.expired.into(),
        q.status().as_str().into(),
        totals.subtotal.to_string().into(),
        totals.tax.to_string().into(),
        totals.total.to_string().into(),
        acceptance.map(|a| a.name.clone()).into(),
        acceptance.map(|a| micros(a.at)).into(),
        acceptance.map(|a| a.ip.clone()).into(),
        acceptance.map(encode_payload).into(),
        doc.created_at.into(),
        doc.sent_at.into(),
    ]
}

fn line_rows(q: &Quote) -> impl Iterator<Item = Row> + '_ {
    q.lines.iter().enumerate().map(move |(ord, line)| {
        let amounts = q.line_amounts(line);
        vec![
            id(q.id.0).into(),
            id(line.id.0).into(),
            i64::try_from(ord).unwrap_or(i64::MAX).into(),
            line.description.as_str().into(),
            line.quantity.to_string().into(),
            line.unit_price.to_string().into(),
            line.tax_rate.to_string().into(),
            line.optional.into(),
            line.selected.into(),
            q.is_selected(line.id).into(),
            amounts.net.to_string().into(),
            amounts.tax.to_string().into(),
            amounts.total.to_string().into(),
        ]
    })
}

#[async_trait]
impl Projector for QuotesView {
    fn name(&self) -> &'static str {
        "quotes"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["quotes", "quote_lines", "quote_comments"]
    }

    async fn apply(
        &self,
        tx: &mut dyn Tx,
        tables: &TableNames,
        events: &[Recorded],
    ) -> Result<(), ProjectionError> {
        let mut mine = Vec::new();
        let mut to_load = Vec::new();
        let mut seen = HashSet::new();
        for recorded in events {
            if let Some(event) = decode::<Quote>(recorded)? {
                let quote: QuoteId = stream_id(recorded)?;
                if seen.insert(quote) && !matches!(event, QuoteEvent::Drafted(_)) {
                    to_load.push(id(quote.0));
                }
                mine.push((quote, recorded, event));
            }
        }
        if mine.is_empty() {
            return Ok(());
        }
        let mut docs = load(tx, tables, to_load).await?;
        let mut comments = Vec::new();
        for (quote, recorded, event) in mine {
            let doc = docs.remove(&quote).unwrap_or(Doc {
                quote: Quote::default(),
                created_at: micros(recorded.event.recorded_at),
                sent_at: None,
                edited: false,
            });
            if let QuoteEvent::LineCommented(c) = &event {
                let (kind, author_id) = author(c.by);
                comments.push(vec![
                    id(quote.0).into(),
                    i64::try_from(recorded.position).unwrap_or(i64::MAX).into(),
                    id(c.comment.0).into(),
                    id(c.line.0).into(),
                    kind.into(),
                    author_id.into(),
                    c.text.as_str().into(),
                    micros(c.at).into(),
                ]);
            }
            let edited = doc.edited || matches!(event, QuoteEvent::Edited(_));
            let sent_at = match &event {
                QuoteEvent::Sent(e) => Some(micros(e.at)),
                _ => doc.sent_at,
            };
            let mut quote_state = doc.quote.evolve(&event);
            quote_state.comments.clear();
            docs.insert(
                quote,
                Doc {
                    quote: quote_state,
                    created_at: doc.created_at,
                    sent_at,
                    edited,
                },
            );
        }
        let line_table = tables.of("quote_lines");
        let lines = Table {
            name: &line_table,
            columns: LINE_COLUMNS,
            key: 2,
        };
        let edited: Vec<String> = docs
            .values()
            .filter(|d| d.edited)
            .map(|d| id(d.quote.id.0))
            .collect();
        lines.delete_where_in(tx, "quote_id", edited).await?;
        let quote_rows = docs.values().map(quote_row).collect();
        let line_rows = docs.values().flat_map(|d| line_rows(&d.quote)).collect();
        let quote_table = tables.of("quotes");
        Table {
            name: &quote_table,
            columns: QUOTE_COLUMNS,
            key: 1,
        }
        .upsert(tx, quote_rows)
        .await?;
        lines.upsert(tx, line_rows).await?;
        let comment_table = tables.of("quote_comments");
        Table {
            name: &comment_table,
            columns: COMMENT_COLUMNS,
            key: 2,
        }
        .insert(tx, comments)
        .await
    }
}
