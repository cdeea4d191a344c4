//! Several worker processes on one PostgreSQL database (each a worker with
//! connections of its own): every email goes out once, every timed rule
//! acts once, a job runs in one process at a time, and a worker that dies
//! is taken over by one that was standing by.

use crate::fixtures::{
    Env, PgDatabase, Running, Seed, at, config, open_postgres, start_process, windows_closed,
};
use cma_domain::Timestamp;
use cma_domain::diary::{Diary, DiaryCommand};
use cma_domain::ids::AppointmentId;
use cma_store::Clock;
use cma_testkit::smtp::Smtp;
use cma_workers::email::{TransportSettings, list_emails};
use std::time::Duration;

/// Staff add a client appointment starting at `starts_at`: a booking email
/// to the client and every staff member, and a window that closes 24 h before.
async fn add_client_appointment(env: &Env, seed: &Seed, starts_at: Timestamp) -> AppointmentId {
    let appointment = AppointmentId::new();
    env.run::<Diary>(
        seed.team.0,
        seed.owner,
        DiaryCommand::Add {
            appointment,
            staff: seed.owner,
            client: Some(seed.client),
            title: None,
            starts_at,
            ends_at: starts_at.plus_seconds(3600),
        },
    )
    .await;
    appointment
}

fn database(env: &Env) -> &PgDatabase {
    env.postgres.as_ref().expect("a PostgreSQL environment")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_send_each_email_once_and_close_each_window_once() {
    let env = Env::postgres(at("2026-12-04T12:00:00Z")).await;
    let seed = env.seed(5).await;
    env.invite(&seed).await;
    env.client_upload(&seed).await;
    env.client_upload(&seed).await;
    let mut appointments = Vec::new();
    for hours in [2, 5, 9] {
        let starts_at = env.now.plus_seconds(hours * 3600);
        appointments.push(add_client_appointment(&env, &seed, starts_at).await);
    }
    // 1 invite + 2 × 6 uploads + 3 × 7 bookings
    let expected = 34;
    let smtp = Smtp::start();
    let clock = Clock::starting_at(env.now);
    let mut workers = Vec::new();
    for _ in 0..3 {
        let (store, db) = database(&env).open().await;
        workers.push(Running::start_on(
            store,
            db,
            config(TransportSettings::smtp(smtp.url())),
            clock.clone(),
        ));
    }
    smtp.wait_for(expected).await;
    // every job runs a few more times in every worker
    tokio::time::sleep(Duration::from_secs(3)).await;
    for worker in workers {
        worker.stop().await;
    }

    let per_message = smtp.per_message();
    assert_eq!(per_message.len(), expected, "{per_message:?}");
    assert!(per_message.values().all(|n| *n == 1), "{per_message:?}");
    let listed = list_emails(&env.db, seed.team, 100).await.expect("listed");
    assert_eq!(listed.len(), expected);
    assert!(listed.iter().all(|e| e.state == "sent" && e.attempts == 1));
    let closed = windows_closed(&env, seed.team).await;
    assert_eq!(
        closed,
        appointments.iter().map(|a| (*a, 1)).collect(),
        "each window closed once"
    );
}

/// How the first worker dies.
enum Death {
    /// Its process crashes: its runtime and every connection end at once.
    ProcessCrash,
    /// Its task is aborted: its future is dropped, wherever it is.
    TaskAborted,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_whose_process_crashes_mid_batch_is_taken_over() {
    taken_over_after(Death::ProcessCrash).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_whose_task_is_aborted_mid_batch_is_taken_over() {
    taken_over_after(Death::TaskAborted).await;
}

async fn taken_over_after(death: Death) {
    let env = Env::postgres(at("2026-12-04T12:00:00Z")).await;
    let seed = env.seed(5).await;
    env.invite(&seed).await;
    env.client_upload(&seed).await;
    // 1 invite + 6 staff emails. Each worker has an SMTP server of its own,
    // so every message shows which worker sent it; the first worker's third
    // conversation hangs before DATA.
    let first_smtp = Smtp::start();
    first_smtp.hold_from(3, Duration::from_secs(3));
    let second_smtp = Smtp::start();
    let clock = Clock::starting_at(env.now);
    let mut settings = config(TransportSettings::smtp(first_smtp.url()));
    // One conversation at a time: the two before the held one are done.
    settings.send_concurrency = 1;
    let kill: Box<dyn FnOnce()> = match death {
        Death::ProcessCrash => {
            let process = start_process(
                open_postgres(database(&env).url.clone()),
                settings,
                clock.clone(),
            );
            Box::new(move || process.shutdown_background())
        }
        Death::TaskAborted => {
            let (store, db) = database(&env).open().await;
            let task = Running::start_on(store, db, settings, clock.clone());
            Box::new(move || task.kill())
        }
    };
    assert!(
        first_smtp.wait_holding().await,
        "the batch reached the third email"
    );
    // The first worker holds both followers' leases; the second stands by.
    let (store, db) = database(&env).open().await;
    let second = Running::start_on(
        store,
        db,
        config(TransportSettings::smtp(second_smtp.url())),
        clock,
    );
    kill();
    first_smtp.release();

    // Written after the first worker died: only the second can email it
    // (it must take over the email follower) and close its window (it must
    // take over the due index).
    let appointment = add_client_appointment(&env, &seed, env.now.plus_seconds(3 * 3600)).await;
    second_smtp.wait_for(12).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while windows_closed(&env, seed.team).await.is_empty() && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // give a wrongly repeated send, or a send by the dead worker, the time to show up
    tokio::time::sleep(Duration::from_secs(3)).await;
    second.stop().await;

    let by_first = first_smtp.per_message();
    assert_eq!(by_first.len(), 2, "the first worker died after two emails");
    let mut per_message = second_smtp.per_message();
    assert_eq!(
        per_message.len(),
        12,
        "the second sent the rest: {per_message:?}"
    );
    for (id, n) in by_first {
        *per_message.entry(id).or_default() += n;
    }
    assert_eq!(per_message.len(), 14, "{per_message:?}");
    assert!(per_message.values().all(|n| *n == 1), "{per_message:?}");
    let listed = list_emails(&env.db, seed.team, 50).await.expect("listed");
    assert_eq!(listed.len(), 14);
    assert!(listed.iter().all(|e| e.state == "sent"), "{listed:?}");
    assert_eq!(
        windows_closed(&env, seed.team).await,
        [(appointment, 1)].into()
    );
}
