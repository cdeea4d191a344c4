//! The worker dies in the middle of a batch and starts again: every email
//! arrives, none twice.

use crate::fixtures::{Env, at, config};
use crate::smtp::Smtp;
use cma_domain::access::{By, ClientPortal, Sections};
use cma_domain::file::{FileCommand, StoredFile};
use cma_domain::ids::FileId;
use cma_store::Clock;
use cma_store::sqlite::SqliteStore;
use cma_workers::email::{TransportSettings, list_emails};
use cma_workers::{ReadDb, WorkerConfig, run_worker};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A worker on a runtime of its own, with its own connections, so that
/// dropping the runtime ends it at once, mid-conversation, like a crash.
fn start_process(
    events: PathBuf,
    read: PathBuf,
    config: WorkerConfig,
    clock: Clock,
) -> tokio::runtime::Runtime {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.spawn(async move {
        let store = Arc::new(SqliteStore::open(&events).await.expect("event log"));
        let db = ReadDb::open_sqlite(&read).await.expect("read db");
        run_worker(config, store, db, clock, std::future::pending()).await
    });
    runtime
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_batch_and_restarted_sends_each_email_once() {
    let env = Env::sqlite(at("2026-12-04T12:00:00Z")).await;
    let seed = env.seed(5).await;
    env.invite(&seed).await;
    let portal = ClientPortal {
        client: seed.client,
        enabled: true,
        sections: Sections::ALL,
    };
    env.run::<StoredFile>(
        FileId::new().0,
        seed.owner,
        FileCommand::Upload {
            file: FileId::new(),
            client: seed.client,
            by: By::Client(portal),
            name: "plan.pdf".to_owned(),
            content_type: "application/pdf".to_owned(),
            size: 10,
            max_size: 1024,
            sha256: "0".repeat(64),
            storage_key: "k".to_owned(),
        },
    )
    .await;
    // 1 invite + 6 staff emails; the third conversation hangs before DATA.
    let smtp = Smtp::start();
    smtp.hold_from(3, Duration::from_secs(3));
    let events = env.dir.path().join("events.db");
    let read = env.dir.path().join("read.db");
    let settings = config(TransportSettings::Smtp(smtp.url()));
    let first = start_process(
        events.clone(),
        read.clone(),
        settings.clone(),
        Clock::starting_at(env.now),
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !smtp.is_holding() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(smtp.is_holding(), "the batch reached the third email");
    first.shutdown_background();
    assert_eq!(smtp.received().len(), 2, "killed after two emails");
    smtp.release();

    let second = start_process(
        events,
        read,
        settings,
        Clock::starting_at(env.now.plus_seconds(1)),
    );
    let got = smtp.wait_for(7).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    second.shutdown_background();

    let got = if smtp.received().len() > got.len() {
        smtp.received()
    } else {
        got
    };
    let mut per_message: BTreeMap<String, usize> = BTreeMap::new();
    for r in &got {
        let id = crate::fixtures::parse(&r.data)
            .header("Message-ID")
            .to_owned();
        *per_message.entry(id).or_default() += 1;
    }
    assert_eq!(per_message.len(), 7, "{per_message:?}");
    assert!(per_message.values().all(|n| *n == 1), "{per_message:?}");
    let listed = list_emails(&env.db, seed.team, 50).await.expect("listed");
    assert_eq!(listed.len(), 7);
    assert!(listed.iter().all(|e| e.state == "sent"), "{listed:?}");
}
