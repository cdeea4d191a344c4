//! Quotes: the quote view (lines with amounts, current selection, totals,
//! line comment threads, acceptance) and each client's quote list. Each
//! quote is folded with the domain's own `Quote::evolve` and kept whole in
//! its row's `state`; amounts, totals and status come from the domain too.

use crate::convert::{author, id, micros};
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, streams_of};
use crate::table::{State, delete_where, insert, select_states, table, upsert};
use crate::tx::Tx;
use async_trait::async_trait;
use cma_domain::Aggregate;
use cma_domain::Timestamp;
use cma_domain::ids::QuoteId;
use cma_domain::quote::{Quote, QuoteEvent, QuoteLineCommented};
use cma_store::Recorded;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

pub struct QuotesView;

table! {
    /// A quote as the quote view and list show it.
    struct QuoteRow in "quotes" key (quote_id) {
        quote_id: String,
        team_id: String,
        client_id: String,
        title: String,
        currency: String,
        expires_on: Option<String>,
        revision: i64,
        sent: bool,
        withdrawn: bool,
        expired: bool,
        /// As recorded; expiry by date is applied when read.
        status: String,
        /// Of the current selection.
        subtotal: String,
        tax: String,
        total: String,
        accepted_name: Option<String>,
        accepted_at: Option<i64>,
        accepted_ip: Option<String>,
        created_at: i64,
        sent_at: Option<i64>,
        state: State<QuoteState>,
    }
}

table! {
    /// One line of a quote with its amounts, in order.
    struct LineRow in "quote_lines" key (quote_id, line_id) {
        quote_id: String,
        line_id: String,
        ord: i64,
        description: String,
        quantity: String,
        unit_price: String,
        tax_rate: String,
        optional: bool,
        default_selected: bool,
        selected: bool,
        net: String,
        tax: String,
        total: String,
    }
}

table! {
    /// One comment on a quote line, keyed by its event's position.
    struct CommentRow in "quote_comments" key (quote_id, position) {
        quote_id: String,
        position: i64,
        comment_id: String,
        line_id: String,
        /// `client` or `staff`.
        author: String,
        author_id: String,
        text: String,
        at: i64,
    }
}

/// A quote as this view keeps it between batches: the domain's state
/// (without its comments, which have their own table) and two instants.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct QuoteState {
    quote: Quote,
    created_at: Timestamp,
    /// When it was sent (`QuoteSent.at`), once sent.
    sent_at: Option<Timestamp>,
}

impl QuoteState {
    /// `View::update`: the quote after `event`.
    fn update(self, event: &QuoteEvent) -> Self {
        let mut quote = self.quote.evolve(event);
        quote.comments.clear();
        let sent_at = match event {
            QuoteEvent::Sent(e) => Some(e.at),
            _ => self.sent_at,
        };
        Self {
            quote,
            created_at: self.created_at,
            sent_at,
        }
    }

    fn line_rows(&self) -> impl Iterator<Item = LineRow> + '_ {
        let q = &self.quote;
        q.lines.iter().enumerate().map(move |(ord, line)| {
            let amounts = q.line_amounts(line);
            LineRow {
                quote_id: id(q.id.0),
                line_id: id(line.id.0),
                ord: i64::try_from(ord).unwrap_or(i64::MAX),
                description: line.description.clone(),
                quantity: line.quantity.to_string(),
                unit_price: line.unit_price.to_string(),
                tax_rate: line.tax_rate.to_string(),
                optional: line.optional,
                default_selected: line.selected,
                selected: q.is_selected(line.id),
                net: amounts.net.to_string(),
                tax: amounts.tax.to_string(),
                total: amounts.total.to_string(),
            }
        })
    }

    fn row(self) -> QuoteRow {
        let q = &self.quote;
        let totals = q.totals();
        let acceptance = q.acceptance.as_ref();
        QuoteRow {
            quote_id: id(q.id.0),
            team_id: id(q.team.0),
            client_id: id(q.client.0),
            title: q.title.clone(),
            currency: q.currency.code().to_owned(),
            expires_on: q.expires_on.map(|d| d.to_string()),
            revision: i64::from(q.revision),
            sent: q.sent,
            withdrawn: q.withdrawn,
            expired: q.expired,
            status: q.status().as_str().to_owned(),
            subtotal: totals.subtotal.to_string(),
            tax: totals.tax.to_string(),
            total: totals.total.to_string(),
            accepted_name: acceptance.map(|a| a.name.clone()),
            accepted_at: acceptance.map(|a| micros(a.at)),
            accepted_ip: acceptance.map(|a| a.ip.clone()),
            created_at: micros(self.created_at),
            sent_at: self.sent_at.map(micros),
            state: State(self),
        }
    }
}

impl CommentRow {
    fn new(quote: QuoteId, position: u64, c: &QuoteLineCommented) -> Self {
        let (kind, author_id) = author(c.by);
        Self {
            quote_id: id(quote.0),
            position: i64::try_from(position).unwrap_or(i64::MAX),
            comment_id: id(c.comment.0),
            line_id: id(c.line.0),
            author: kind.to_owned(),
            author_id,
            text: c.text.clone(),
            at: micros(c.at),
        }
    }
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
        let starts = |e: &QuoteEvent| matches!(e, QuoteEvent::Drafted(_));
        let (mine, to_load) = streams_of::<Quote, QuoteId>(events, starts)?;
        if mine.is_empty() {
            return Ok(());
        }
        let stored = select_states::<QuoteRow, QuoteState>(tx, tables, "quote_id", to_load);
        let mut quotes: HashMap<QuoteId, QuoteState> = stored
            .await?
            .into_iter()
            .map(|state| (state.quote.id, state))
            .collect();
        // Quotes whose lines were replaced in this batch: their old line rows go.
        let mut edited = HashSet::new();
        let mut comments = Vec::new();
        for (quote, recorded, event) in mine {
            let state = quotes.remove(&quote).unwrap_or(QuoteState {
                quote: Quote::default(),
                created_at: recorded.event.recorded_at,
                sent_at: None,
            });
            match &event {
                QuoteEvent::LineCommented(c) => {
                    comments.push(CommentRow::new(quote, recorded.position, c));
                }
                QuoteEvent::Edited(_) => {
                    edited.insert(id(quote.0));
                }
                _ => {}
            }
            quotes.insert(quote, state.update(&event));
        }
        delete_where::<LineRow>(tx, tables, "quote_id", edited.into_iter().collect()).await?;
        let lines: Vec<LineRow> = quotes.values().flat_map(QuoteState::line_rows).collect();
        upsert(tx, tables, quotes.into_values().map(QuoteState::row)).await?;
        upsert(tx, tables, lines).await?;
        insert(tx, tables, comments).await
    }
}
