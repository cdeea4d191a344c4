//! The index the audit needs: which team and client own each quote, and
//! the stream holding its history.

use crate::bulk::Table;
use crate::convert::id;
use crate::error::ProjectionError;
use crate::projector::{Projector, TableNames, decode};
use crate::tx::Tx;
use async_trait::async_trait;
use cma_domain::quote::{Quote, QuoteEvent};
use cma_store::Recorded;

pub struct AuditIndex;

const COLUMNS: &[&str] = &["quote_id", "team_id", "client_id", "stream_id"];

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
                rows.push(vec![
                    id(e.quote.0).into(),
                    id(e.team.0).into(),
                    id(e.client.0).into(),
                    recorded.stream.as_str().into(),
                ]);
            }
        }
        let name = tables.of("audit_quotes");
        Table {
            name: &name,
            columns: COLUMNS,
            key: 1,
        }
        .insert(tx, rows)
        .await
    }
}
