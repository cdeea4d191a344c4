//! The timed rules (docs/product.md §8.5, §4.7, §9.2): each looks up what is due in
//! the `worker_due` index, asks the domain whether it really is at `now`,
//! and runs the idempotent command. Running a job twice records nothing new.

use super::due::{DueKind, due_streams};
use crate::WorkerError;
use crate::email::sender::Sender;
use cma_domain::client::Client;
use cma_domain::diary::{Diary, DiaryCommand};
use cma_domain::invoice::{Invoice, InvoiceCommand, InvoiceError};
use cma_domain::quote::{Quote, QuoteCommand, QuoteError};
use cma_domain::team::Team;
use cma_domain::{Aggregate, Timestamp};
use cma_projections::ReadDb;
use cma_store::{Clock, CommandContext, Service, ServiceError};
use std::sync::Arc;
use uuid::Uuid;

/// The worker's timed jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimedJob {
    /// Close each client booking's cancellation window at start − 24 h.
    CloseWindows,
    /// Mark appointments that have ended completed.
    CompleteAppointments,
    /// Expire sent quotes at the end of their expiry day in the team's zone.
    ExpireQuotes,
    /// Record invoices overdue once their due day has ended in the team's
    /// zone with something still to pay (the client's notice follows).
    OverdueInvoices,
    /// Send outbox rows whose retry is due.
    SendRetries,
    /// Delete old rate-limit attempts and expired or revoked sessions.
    PurgeAuth,
}

impl TimedJob {
    pub const ALL: [TimedJob; 6] = [
        TimedJob::CloseWindows,
        TimedJob::CompleteAppointments,
        TimedJob::ExpireQuotes,
        TimedJob::OverdueInvoices,
        TimedJob::SendRetries,
        TimedJob::PurgeAuth,
    ];

    /// Stable name: log field and lock key.
    pub fn name(self) -> &'static str {
        match self {
            TimedJob::CloseWindows => "close_windows",
            TimedJob::CompleteAppointments => "complete_appointments",
            TimedJob::ExpireQuotes => "expire_quotes",
            TimedJob::OverdueInvoices => "overdue_invoices",
            TimedJob::SendRetries => "send_retries",
            TimedJob::PurgeAuth => "purge_auth",
        }
    }
}

pub struct Rules {
    pub db: ReadDb,
    pub service: Arc<Service>,
    pub clock: Clock,
    pub sender: Arc<Sender>,
}

fn store_error<E: std::error::Error + Send + Sync + 'static>(e: ServiceError<E>) -> WorkerError {
    WorkerError::Store(Box::new(e))
}

impl Rules {
    /// Runs one job once; how many things it changed or sent.
    pub async fn run(&self, job: TimedJob) -> Result<usize, WorkerError> {
        match job {
            TimedJob::CloseWindows => self.diaries(DueKind::CloseWindow).await,
            TimedJob::CompleteAppointments => self.diaries(DueKind::Complete).await,
            TimedJob::ExpireQuotes => self.expire_quotes().await,
            TimedJob::OverdueInvoices => self.overdue_invoices().await,
            TimedJob::SendRetries => Ok(self.sender.send_due().await?.sent),
            TimedJob::PurgeAuth => {
                super::purge::auth_tables(self.db.records(), self.clock.now()).await
            }
        }
    }

    /// The state of `A`'s stream `id`.
    async fn load<A: Aggregate>(&self, id: Uuid) -> Result<A, WorkerError> {
        Ok(self.service.load::<A>(id).await.map_err(store_error)?.state)
    }

    /// Runs `command` on `A`'s stream `id` as the system at `now`: how many
    /// events it recorded. A refusal that `not_yet` accepts (the domain
    /// finding it not due after all) records nothing and is no error.
    async fn run_due<A: Aggregate>(
        &self,
        id: Uuid,
        now: Timestamp,
        command: A::Command,
        not_yet: fn(&A::Error) -> bool,
    ) -> Result<usize, WorkerError>
    where
        A::Command: Clone,
    {
        let ctx = CommandContext::system(now, None);
        match self.service.execute::<A>(id, &ctx, command).await {
            Ok(done) => Ok(done.events.len()),
            Err(ServiceError::Refused(refusal)) if not_yet(&refusal) => Ok(0),
            Err(e) => Err(store_error(e)),
        }
    }

    async fn diaries(&self, kind: DueKind) -> Result<usize, WorkerError> {
        let now = self.clock.now();
        let mut changed = 0;
        for team in due_streams(self.db.pool(), kind, now).await? {
            let due = self.load::<Diary>(team).await?.due_at(now);
            let commands: Vec<DiaryCommand> = match kind {
                DueKind::CloseWindow => due
                    .close_windows
                    .into_iter()
                    .map(|appointment| DiaryCommand::CloseCancellationWindow { appointment })
                    .collect(),
                DueKind::Complete => due
                    .complete
                    .into_iter()
                    .map(|appointment| DiaryCommand::Complete { appointment })
                    .collect(),
                DueKind::ExpireQuote | DueKind::OverdueInvoice => Vec::new(),
            };
            for command in commands {
                changed += self.run_due::<Diary>(team, now, command, |_| false).await?;
            }
        }
        Ok(changed)
    }

    async fn overdue_invoices(&self) -> Result<usize, WorkerError> {
        let now = self.clock.now();
        let mut changed = 0;
        for id in due_streams(self.db.pool(), DueKind::OverdueInvoice, now).await? {
            let invoice = self.load::<Invoice>(id).await?;
            let Some(issued) = invoice.issued.as_ref() else {
                continue;
            };
            let client = self.load::<Client>(issued.client.0).await?;
            let time_zone = self.load::<Team>(client.team.0).await?.schedule.zone();
            if invoice.is_past_due(now, &time_zone) {
                let command = InvoiceCommand::MarkOverdue { time_zone };
                let not_yet = |e: &InvoiceError| matches!(e, InvoiceError::NotYetOverdue);
                changed += self.run_due::<Invoice>(id, now, command, not_yet).await?;
            }
        }
        Ok(changed)
    }

    async fn expire_quotes(&self) -> Result<usize, WorkerError> {
        let now = self.clock.now();
        let mut changed = 0;
        for id in due_streams(self.db.pool(), DueKind::ExpireQuote, now).await? {
            let quote = self.load::<Quote>(id).await?;
            let time_zone = self.load::<Team>(quote.team.0).await?.schedule.zone();
            if quote.is_past_expiry(now, &time_zone) {
                let command = QuoteCommand::Expire { time_zone };
                let not_yet = |e: &QuoteError| matches!(e, QuoteError::NotYetExpired);
                changed += self.run_due::<Quote>(id, now, command, not_yet).await?;
            }
        }
        Ok(changed)
    }
}
