//! The `worker_due` follower: an index of what falls due when, so the timed
//! rules look only at diaries and quotes that have work, never at every stream.
//!
//! - a client appointment's cancellation window: due just after start − 24 h;
//! - any appointment's completion: due at its end;
//! - a sent quote's expiry: due at the earliest instant its expiry day can
//!   end in any time zone (UTC+14), so a later change of the team's zone
//!   can only make it due later than indexed; the job checks the real
//!   deadline in the team's zone;
//! - an issued invoice with something to pay, not yet marked overdue: due
//!   at the earliest instant its due day can end in any zone (UTC+14), the
//!   job checks the team's zone.
//!
//! Rows go when the event that settles them arrives. The index is derived
//! from events alone, so it can be rebuilt at any time.

use crate::email::facts::{BatchStates, Facts};
use async_trait::async_trait;
use cma_domain::diary::{DiaryEvent, cancellation_deadline};
use cma_domain::invoice::Invoice;
use cma_domain::quote::{Quote, QuoteEvent, QuoteStatus};
use cma_domain::{Aggregate, Event};
use cma_domain::{Timestamp, ids::AppointmentId};
use cma_projections::projector::{decode_event, stream_id};
use cma_projections::tx::Tx;
use cma_projections::{ProjectionError, Projector, TableNames};
use cma_store::{Recorded, Service};
use rust_decimal::Decimal;
use std::sync::Arc;
use uuid::Uuid;

/// What a due row asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DueKind {
    CloseWindow,
    Complete,
    ExpireQuote,
    OverdueInvoice,
}

impl DueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DueKind::CloseWindow => "close_window",
            DueKind::Complete => "complete",
            DueKind::ExpireQuote => "expire_quote",
            DueKind::OverdueInvoice => "overdue_invoice",
        }
    }
}

pub struct DueIndex {
    service: Arc<Service>,
}

impl DueIndex {
    pub const NAME: &'static str = "worker_due";

    pub fn new(service: Arc<Service>) -> Self {
        Self { service }
    }

    /// The id of `recorded`'s stream, and the stream's state as `A`.
    async fn load<A: Aggregate>(
        &self,
        recorded: &Recorded,
        batch: &BatchStates,
    ) -> Result<(Uuid, A), ProjectionError> {
        let id = stream_id::<Uuid>(recorded)?;
        let facts = Facts {
            service: &self.service,
            position: recorded.position,
            batch,
        };
        Ok((id, facts.load::<A>(id).await?))
    }

    /// Where a quote falls due: at its expiry while it is sent.
    async fn quote(
        &self,
        recorded: &Recorded,
        batch: &BatchStates,
    ) -> Result<Change, ProjectionError> {
        let (id, quote) = self.load::<Quote>(recorded, batch).await?;
        let earliest = quote
            .expires_from(&earliest_zone())
            .filter(|_| quote.status() == QuoteStatus::Sent);
        Ok(Change::Set(DueKind::ExpireQuote, id, earliest))
    }

    /// Where an invoice falls due: at its due day's end while unpaid and
    /// not yet marked overdue.
    async fn invoice(
        &self,
        recorded: &Recorded,
        batch: &BatchStates,
    ) -> Result<Change, ProjectionError> {
        let (id, invoice) = self.load::<Invoice>(recorded, batch).await?;
        let earliest = invoice
            .overdue_from(&earliest_zone())
            .filter(|_| invoice.overdue_at.is_none() && invoice.amount_due() > Decimal::ZERO);
        Ok(Change::Set(DueKind::OverdueInvoice, id, earliest))
    }

    /// What `recorded` changes in the index, worked out from the log
    /// before the batch's transaction begins (the read database's one
    /// writer is never held while the log is read).
    async fn change(
        &self,
        recorded: &Recorded,
        batch: &BatchStates,
    ) -> Result<Option<Change>, ProjectionError> {
        Ok(match decode_event(recorded)? {
            Event::Diary(e) => Some(Change::Diary(stream_id::<Uuid>(recorded)?, e)),
            Event::Quote(QuoteEvent::LineToggled(_) | QuoteEvent::LineCommented(_)) => None,
            Event::Quote(_) => Some(self.quote(recorded, batch).await?),
            Event::Invoice(_) => Some(self.invoice(recorded, batch).await?),
            _ => None,
        })
    }
}

/// One event's change to the index.
enum Change {
    /// A team's diary event.
    Diary(Uuid, DiaryEvent),
    /// A stream indexed as due under a kind at an instant, or taken out.
    Set(DueKind, Uuid, Option<Timestamp>),
}

impl Change {
    async fn write(self, tx: &mut dyn Tx) -> Result<(), ProjectionError> {
        match self {
            Change::Diary(team, event) => diary(tx, team, &event).await,
            Change::Set(kind, stream, at) => set(tx, kind, stream, at).await,
        }
    }
}

/// The zone whose days end first (UTC+14): a stream is indexed at the
/// earliest instant it may fall due, and the job asks the domain again
/// in the team's own zone.
fn earliest_zone() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::fixed(jiff::tz::offset(14))
}

/// Indexes `stream` as due under `kind` at `at`, or takes it out of the index.
async fn set(
    tx: &mut dyn Tx,
    kind: DueKind,
    stream: Uuid,
    at: Option<Timestamp>,
) -> Result<(), ProjectionError> {
    match at {
        Some(at) => put(tx, kind, stream, stream, at).await,
        None => remove(tx, kind, stream).await,
    }
}

#[async_trait]
impl Projector for DueIndex {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn tables(&self) -> &'static [&'static str] {
        &["worker_due"]
    }

    async fn apply(
        &self,
        tx: &mut dyn Tx,
        _tables: &TableNames,
        events: &[Recorded],
    ) -> Result<(), ProjectionError> {
        let batch = BatchStates::default();
        let mut changes = Vec::new();
        for recorded in events {
            changes.extend(self.change(recorded, &batch).await?);
        }
        for change in changes {
            change.write(tx).await?;
        }
        Ok(())
    }
}

async fn diary(tx: &mut dyn Tx, team: Uuid, event: &DiaryEvent) -> Result<(), ProjectionError> {
    match event {
        DiaryEvent::Booked(e) => {
            scheduled(tx, team, e.appointment, true, e.starts_at, e.ends_at).await
        }
        DiaryEvent::Added(e) => {
            let client = e.client.is_some();
            scheduled(tx, team, e.appointment, client, e.starts_at, e.ends_at).await
        }
        DiaryEvent::WindowClosed(e) => remove(tx, DueKind::CloseWindow, e.appointment.0).await,
        DiaryEvent::Cancelled(e) => settled(tx, e.appointment).await,
        DiaryEvent::Completed(e) => settled(tx, e.appointment).await,
    }
}

/// A new Scheduled appointment: its completion, and for a client's its window.
async fn scheduled(
    tx: &mut dyn Tx,
    team: Uuid,
    id: AppointmentId,
    client: bool,
    starts_at: Timestamp,
    ends_at: Timestamp,
) -> Result<(), ProjectionError> {
    if client {
        let closes = cancellation_deadline(starts_at);
        let just_after =
            Timestamp::from_micros(closes.as_micros().saturating_add(1)).unwrap_or(closes);
        put(tx, DueKind::CloseWindow, id.0, team, just_after).await?;
    }
    put(tx, DueKind::Complete, id.0, team, ends_at).await
}

async fn settled(tx: &mut dyn Tx, id: AppointmentId) -> Result<(), ProjectionError> {
    remove(tx, DueKind::CloseWindow, id.0).await?;
    remove(tx, DueKind::Complete, id.0).await
}

async fn put(
    tx: &mut dyn Tx,
    kind: DueKind,
    item: Uuid,
    stream: Uuid,
    at: Timestamp,
) -> Result<(), ProjectionError> {
    tx.execute(
        "INSERT INTO worker_due (kind, item_id, stream_id, due_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (kind, item_id) DO UPDATE SET stream_id = excluded.stream_id, due_at = excluded.due_at",
        vec![
            kind.as_str().into(),
            item.to_string().into(),
            stream.to_string().into(),
            at.as_micros().into(),
        ],
    )
    .await?;
    Ok(())
}

async fn remove(tx: &mut dyn Tx, kind: DueKind, item: Uuid) -> Result<(), ProjectionError> {
    tx.execute(
        "DELETE FROM worker_due WHERE kind = $1 AND item_id = $2",
        vec![kind.as_str().into(), item.to_string().into()],
    )
    .await?;
    Ok(())
}

/// The streams with items of `kind` due at `now`.
pub async fn due_streams(
    pool: &sqlx::AnyPool,
    kind: DueKind,
    now: Timestamp,
) -> Result<Vec<Uuid>, sqlx::Error> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT stream_id FROM worker_due WHERE kind = $1 AND due_at <= $2",
    )
    .bind(kind.as_str())
    .bind(now.as_micros())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| Uuid::try_parse(r).ok())
        .collect())
}
