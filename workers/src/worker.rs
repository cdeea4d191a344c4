//! Runs the worker: the two followers (email outbox, due index), the send
//! loop and the timed jobs, until shutdown.

use crate::WorkerError;
use crate::email::sender::Sender;
use crate::email::transport::Transport;
use crate::email::{EmailEnqueuer, EmailSettings, RetryPolicy, TransportSettings};
use crate::rules::{DueIndex, Rules, schedule};
use cma_projections::{Projections, ReadDb, RunnerConfig};
use cma_store::{Clock, EventStore, Service};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    pub email: EmailSettings,
    pub transport: TransportSettings,
    pub retry: RetryPolicy,
    /// How often each timed job runs.
    pub rules_every: Duration,
    /// How often the send loop looks for new email when the log is quiet.
    pub poll: Duration,
    /// How long a claimed email is left to its sender before another may take it.
    pub claim_for: Duration,
}

impl WorkerConfig {
    /// The defaults: 15-minute quiet period, retries from 30 s doubling to
    /// 1 h over 10 attempts, jobs every 30 s, claims of 5 minutes.
    pub fn new(public_url: &str, secret_key: Vec<u8>, transport: TransportSettings) -> Self {
        Self {
            email: EmailSettings {
                public_url: public_url.trim_end_matches('/').to_owned(),
                secret_key,
                from_address: "portal@localhost".to_owned(),
                quiet_period: Duration::from_secs(15 * 60),
            },
            transport,
            retry: RetryPolicy::default(),
            rules_every: Duration::from_secs(30),
            poll: Duration::from_secs(1),
            claim_for: Duration::from_secs(300),
        }
    }
}

/// Runs the worker until `shutdown` resolves. Migrates the read database
/// first (its tables live beside the read models).
pub async fn run_worker(
    config: WorkerConfig,
    store: Arc<dyn EventStore>,
    db: ReadDb,
    clock: Clock,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), WorkerError> {
    db.migrate().await?;
    let transport = Transport::open(&config.transport)?;
    let service = Arc::new(Service::new(store.clone()));
    let cancel = CancellationToken::new();
    let sender = Arc::new(Sender {
        db: db.clone(),
        transport,
        clock: clock.clone(),
        retry: config.retry,
        claim_for: config.claim_for,
        batch: 20,
    });
    let enqueuer = EmailEnqueuer::new(service.clone(), Arc::new(config.email));
    let followers = Projections::start(
        db.clone(),
        store.clone(),
        vec![Arc::new(enqueuer), Arc::new(DueIndex::new(service.clone()))],
        RunnerConfig::default(),
    );
    let send = tokio::spawn(send_loop(
        sender.clone(),
        store.clone(),
        config.poll,
        cancel.clone(),
    ));
    let rules = Arc::new(Rules {
        db,
        service,
        clock,
        sender,
    });
    let mut scheduler = schedule(rules, config.rules_every).await?;
    tracing::info!("worker running");
    shutdown.await;
    cancel.cancel();
    let stopped = scheduler.shutdown().await;
    followers.stop().await;
    if let Err(e) = send.await {
        tracing::warn!(error = %e, "send loop ended abnormally");
    }
    tracing::info!("worker stopped");
    Ok(stopped?)
}

/// Sends new email soon after the log moves, and looks again every `poll`.
async fn send_loop(
    sender: Arc<Sender>,
    store: Arc<dyn EventStore>,
    poll: Duration,
    cancel: CancellationToken,
) {
    let mut wake = store.subscribe();
    while !cancel.is_cancelled() {
        if let Err(e) = sender.send_due().await {
            tracing::error!(error = %e, "sending failed");
        }
        tokio::select! {
            _ = wake.changed() => {}
            _ = tokio::time::sleep(poll) => {}
            _ = cancel.cancelled() => {}
        }
    }
}
