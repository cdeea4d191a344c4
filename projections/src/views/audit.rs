//! The index the audit needs: which team and client own each quote, and
//! the stream holding its history.

use crate::convert::id;
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, decode};
use crate::table::{insert, table};
use crate::tx::Tx;
use async_trait::async_trait;
use cma_domain::quote::{Quote, QuoteEvent};
use cma_store::Recorded;

pub struct AuditIndex;

table! {
    /// A quote's owners and stream.
    struct AuditQuoteRow in "audit_quotes" key (quote_id) {
        quote_id: String,
        team_id: String,
        client_id: String,
        stream_id: String,
    }
}

#[async_trait]
impl Projector for AuditIndex {
    fn name(&self) -> &'static str {
        "audit"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["audit_quotes"]
    }

    async fn apply(
        &self,
        tx: &mut dyn Tx,
        tables: &TableNames,
        events: &[Recorded],
    ) -> Result<(), ProjectionError> {
        let mut rows = Vec::new();
        for recorded in events {
            if let Some(QuoteEvent::Drafted(e)) = decode::<Quote>(recorded)? {
                rows.push(AuditQuoteRow {
                    quote_id: id(e.quote.0),
                    team_id: id(e.team.0),
                    client_id: id(e.client.0),
                    stream_id: recorded.stream.as_str().to_owned(),
                });
            }
        }
        insert(tx, tables, rows).await
    }
}
