//! The ends of sessions announced by PostgreSQL, heard by every API process.
//!
//! Triggers on the sessions table announce each end on [`CHANNEL`] with its
//! token's SHA-256 ([`EVERY`] when the table is emptied), in the
//! transaction that ends it
//! (`migrations/postgres/read/2005_session_end_notices.sql`), so the
//! announcement arrives when the end commits, whichever process wrote it.
//! A process forgets the kept sessions it hears of. While it may miss an
//! announcement (its listening connection lost, or silent for longer than
//! [`SILENCE`] though every process sends a heartbeat each [`BEAT`]) it
//! forgets them all and keeps none until it listens again.

use super::kept_sessions::KeptSessions;
use cma_projections::Records;
use sqlx::postgres::PgListener;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::{MissedTickBehavior, timeout};

/// The channel the sessions table's triggers announce ends on.
const CHANNEL: &str = "cma_session_ended";
/// The announcement that every session ended (the table emptied); an
/// empty one is a heartbeat.
const EVERY: &str = "*";
/// How often each process sends a heartbeat.
const BEAT: Duration = Duration::from_secs(2);
/// A listener that heard nothing, not even a heartbeat, for this long is
/// taken as lost.
const SILENCE: Duration = Duration::from_secs(6);
/// The wait before listening again after a failed attempt.
const RETRY: Duration = Duration::from_secs(1);

/// The task that hears ends for one process's kept sessions; it stops
/// when dropped.
pub struct Hearing(tokio::task::AbortHandle);

impl Drop for Hearing {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// On PostgreSQL, listens for ends before it returns, then forgets in
/// `kept` every session announced as ended, until the records close;
/// `None` on SQLite.
pub async fn hear(
    records: &Records,
    kept: Arc<KeptSessions>,
) -> Result<Option<Hearing>, sqlx::Error> {
    let Some(listener) = records.listen(CHANNEL).await? else {
        return Ok(None);
    };
    let records = records.clone();
    let task = tokio::spawn(async move {
        tokio::select! {
            () = follow(&records, listener, &kept) => {}
            () = beat(&records) => {}
        }
        // Nothing is heard, nor kept, any more.
        kept.never_again();
    });
    Ok(Some(Hearing(task.abort_handle())))
}

/// Forgets what `listener` hears, listening again whenever it may have
/// missed an announcement.
async fn follow(records: &Records, mut listener: PgListener, kept: &KeptSessions) {
    loop {
        forget_heard(listener, kept).await;
        let deaf = kept.deaf();
        listener = loop {
            match records.listen(CHANNEL).await {
                Ok(Some(listener)) => break listener,
                // Records that listened once always do.
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for ended sessions; none is kept");
                    tokio::time::sleep(RETRY).await;
                }
            }
        };
        drop(deaf);
    }
}

/// Forgets each session `listener` hears ended, until it may have missed
/// one.
async fn forget_heard(mut listener: PgListener, kept: &KeptSessions) {
    loop {
        let notice = match timeout(SILENCE, listener.try_recv()).await {
            Ok(Ok(Some(notice))) => notice,
            Ok(Ok(None)) => {
                tracing::warn!("the connection listening for ended sessions was lost");
                return;
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "listening for ended sessions failed");
                return;
            }
            Err(_) => {
                tracing::warn!("no heartbeat heard on {CHANNEL} for {SILENCE:?}");
                return;
            }
        };
        match notice.payload() {
            "" => {}
            EVERY => drop(kept.deaf()),
            key => kept.forget(key),
        }
    }
}

/// Sends an empty announcement every [`BEAT`], so that every listener
/// hears something while its connection works; returns once the records
/// are closed.
async fn beat(records: &Records) {
    let mut beats = tokio::time::interval(BEAT);
    beats.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        beats.tick().await;
        let sent = sqlx::query("SELECT pg_notify($1, '')")
            .bind(CHANNEL)
            .execute(records.reads());
        match timeout(BEAT, sent).await {
            Ok(Ok(_)) => {}
            Ok(Err(sqlx::Error::PoolClosed)) => return,
            Ok(Err(e)) => tracing::warn!(error = %e, "heartbeat on {CHANNEL} not sent"),
            Err(_) => tracing::warn!("heartbeat on {CHANNEL} not sent within {BEAT:?}"),
        }
    }
}
