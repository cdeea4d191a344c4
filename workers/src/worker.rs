//! Runs the worker: the two followers (email outbox, due index), the send
//! loop and the timed jobs, until shutdown.

use crate::WorkerError;
use crate::email::sender::Sender;
use crate::email::transport::Transport;
use crate::email::{
    DEFAULT_FROM, DEFAULT_HORIZON, DEFAULT_QUIET_PERIOD, EmailEnqueuer, EmailSettings, RetryPolicy,
    TransportSettings,
};
use crate::rules::{DueIndex, Jobs, Rules};
use cma_projections::tail::Tail;
use cma_projections::{Projections, ReadDb, RunnerConfig, RunnerStatus};
use cma_store::{Clock, Service};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    pub email: EmailSettings,
    pub transport: TransportSettings,
    pub retry: RetryPolicy,
    /// How often each timed job runs.
    pub rules_every: Duration,
    /// How often the send loop looks for due email when no new email was
    /// queued here (retries come due, another process queued some).
    pub poll: Duration,
    /// How long a claimed email is left to its sender before another may take it.
    pub claim_for: Duration,
    /// How long one SMTP conversation may take (shorter than `claim_for`).
    pub deliver_within: Duration,
    /// SMTP conversations in flight at once.
    pub send_concurrency: usize,
}

impl WorkerConfig {
    /// The defaults: 15-minute quiet period, 24-hour email horizon, retries from 30 s doubling to
    /// 1 h over 10 attempts, jobs every 30 s, claims of 5 minutes, conversations of at most
    /// 2 minutes, 8 at once.
    pub fn new(public_url: &str, secret_key: Vec<u8>, transport: TransportSettings) -> Self {
        Self {
            email: EmailSettings {
                public_url: public_url.trim_end_matches('/').to_owned(),
                secret_key,
                from_address: DEFAULT_FROM.to_owned(),
                dkim: None,
                quiet_period: DEFAULT_QUIET_PERIOD,
                horizon: DEFAULT_HORIZON,
            },
            transport,
            retry: RetryPolicy::default(),
            rules_every: Duration::from_secs(30),
            poll: Duration::from_secs(1),
            claim_for: Duration::from_secs(300),
            deliver_within: Duration::from_secs(120),
            send_concurrency: 8,
        }
    }
}

/// Runs the worker until `shutdown` resolves, following the log through
/// `tail` (shared with the projectors where they run in the same process)
/// and sending its commands through `service` (the API's, where it runs in
/// the same process, so that commands of one stream are decided one behind
/// another).
/// Migrates the read database first (its tables live beside the read
/// models).
///
/// Nothing of the worker outlives this future: dropped before `shutdown`
/// resolves (its task aborted), it ends every part at once, as a crash
/// would, and its leases and locks go with their connections.
pub async fn run_worker(
    config: WorkerConfig,
    tail: Arc<Tail>,
    service: Arc<Service>,
    db: ReadDb,
    clock: Clock,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), WorkerError> {
    db.migrate().await?;
    let transport = Transport::open(&config.transport)?;
    match &config.transport {
        TransportSettings::Smtp(smtp) => tracing::info!(
            smtp = %crate::email::transport::redact(&smtp.url),
            from = %config.email.from_address,
            dkim = ?config.email.dkim,
            "email by SMTP"
        ),
        TransportSettings::Folder(dir) => {
            tracing::info!(outbox = %dir.display(), "email written to the outbox folder");
        }
    }
    let parts = Parts::start(config, tail, service, db, clock, transport).await?;
    tracing::info!("worker running");
    shutdown.await;
    parts.stop().await
}

/// The running parts of a worker.
struct Parts {
    cancel: CancellationToken,
    followers: Option<Projections>,
    send: Option<JoinHandle<()>>,
    jobs: Option<Jobs>,
}

impl Parts {
    async fn start(
        config: WorkerConfig,
        tail: Arc<Tail>,
        service: Arc<Service>,
        db: ReadDb,
        clock: Clock,
        transport: Transport,
    ) -> Result<Parts, WorkerError> {
        let sender = Arc::new(Sender {
            db: db.clone(),
            transport,
            clock: clock.clone(),
            retry: config.retry,
            claim_for: config.claim_for,
            // Within the claim, whatever the settings: a conversation that
            // outlived its claim could be handed over twice.
            deliver_within: config.deliver_within.min(config.claim_for / 2),
            concurrency: config.send_concurrency,
        });
        let enqueuer = EmailEnqueuer::new(service.clone(), Arc::new(config.email), clock.clone());
        let mut parts = Parts {
            cancel: CancellationToken::new(),
            followers: None,
            send: None,
            jobs: None,
        };
        let followers = Projections::start(
            db.clone(),
            &tail,
            vec![Arc::new(enqueuer), Arc::new(DueIndex::new(service.clone()))],
            RunnerConfig::default(),
        );
        parts.send = Some(tokio::spawn(send_loop(
            sender.clone(),
            followers.watch().of(EmailEnqueuer::NAME),
            config.poll,
            parts.cancel.clone(),
        )));
        parts.followers = Some(followers);
        let rules = Arc::new(Rules {
            db,
            service,
            clock,
            sender,
        });
        parts.jobs = Some(Jobs::start(rules, config.rules_every).await?);
        Ok(parts)
    }

    /// Stops after the work under way: runs of jobs, batches, sends.
    async fn stop(mut self) -> Result<(), WorkerError> {
        self.cancel.cancel();
        let stopped = match self.jobs.take() {
            Some(jobs) => jobs.stop().await,
            None => Ok(()),
        };
        if let Some(followers) = self.followers.take() {
            followers.stop().await;
        }
        if let Some(send) = self.send.take()
            && let Err(e) = send.await
        {
            tracing::warn!(error = %e, "send loop ended abnormally");
        }
        tracing::info!("worker stopped");
        stopped
    }
}

impl Drop for Parts {
    /// Not stopped: ends every part at once (the jobs end on their own drop).
    fn drop(&mut self) {
        if let Some(followers) = self.followers.take() {
            followers.abort();
        }
        if let Some(send) = &self.send {
            send.abort();
        }
    }
}

/// Sends new email as soon as the enqueuer's runner here (`queued`) has
/// written to the outbox, and looks again every `poll`.
async fn send_loop(
    sender: Arc<Sender>,
    mut queued: Option<watch::Receiver<RunnerStatus>>,
    poll: Duration,
    cancel: CancellationToken,
) {
    while !cancel.is_cancelled() {
        // Read before looking, so email queued while looking wakes the
        // next wait at once.
        let seen = queued.as_mut().map(|rx| rx.borrow_and_update().written);
        if let Err(e) = sender.send_due().await {
            tracing::error!(error = %e, "sending failed");
        }
        let more = async {
            let woken = match queued.as_mut() {
                Some(rx) => rx.wait_for(|s| Some(s.written) != seen).await.is_ok(),
                None => false,
            };
            if !woken {
                // No enqueuer here, or its runner has ended: poll only.
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            () = more => {}
            () = tokio::time::sleep(poll) => {}
            () = cancel.cancelled() => {}
        }
    }
}
