//! Timed rules: cancellation windows close, quotes expire, appointments
//! complete — as events, once, at the instants the domain names.

use crate::fixtures::{Running, at, config, invited, required_line};
use cma_domain::diary::{Diary, DiaryCommand, DiaryEvent, can_cancel};
use cma_domain::ids::AppointmentId;
use cma_domain::quote::{Quote, QuoteEvent, QuoteStatus};
use cma_store::Clock;
use cma_workers::email::TransportSettings;
use std::time::Duration;

#[tokio::test]
async fn windows_close_quotes_expire_and_past_appointments_complete() {
    let (env, seed) = invited("2026-12-04T12:00:00Z", 0).await;
    let booked = AppointmentId::new();
    let later = AppointmentId::new();
    env.book(&seed, booked, "2026-12-07T10:00:00Z").await;
    env.book(&seed, later, "2026-12-08T10:00:00Z").await;
    let visit = AppointmentId::new();
    env.run::<Diary>(
        seed.team.0,
        seed.owner,
        DiaryCommand::Add {
            appointment: visit,
            staff: seed.owner,
            client: None,
            title: Some("Site visit".to_owned()),
            starts_at: at("2026-12-05T09:00:00Z"),
            ends_at: at("2026-12-05T10:00:00Z"),
        },
    )
    .await;
    let expires_on = Some(jiff::civil::date(2026, 12, 5));
    let boiler = vec![required_line("Boiler", 100, 0)];
    let quote = env.sent_quote(&seed, "Boiler", expires_on, boiler).await;

    // The worker wakes 1 s after the first window closes (10:00 on Sunday),
    // which is after the visit ended and after Saturday 5 December ended in London.
    let now = at("2026-12-06T10:00:01Z");
    let outbox = env.outbox_dir();
    let worker = Running::start(
        &env,
        config(TransportSettings::Folder(outbox)),
        Clock::starting_at(now),
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let diary = env.diary(seed.team).await;
        let quote = env
            .service
            .load::<Quote>(quote.0)
            .await
            .expect("quote")
            .state;
        let done = diary.appointment(booked).is_some_and(|a| a.window_closed)
            && diary
                .appointment(visit)
                .is_some_and(|a| a.status.as_str() == "completed")
            && quote.status() == QuoteStatus::Expired;
        if done || tokio::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // a few more runs of every job change nothing
    tokio::time::sleep(Duration::from_secs(3)).await;
    worker.stop().await;

    let diary_events = env
        .store
        .read_stream(&cma_store::Service::stream::<Diary>(seed.team.0))
        .await
        .expect("read");
    let decoded: Vec<DiaryEvent> = diary_events
        .iter()
        .map(|r| r.decode().expect("decodes"))
        .collect();
    let (mut closed, mut completed) = (Vec::new(), Vec::new());
    for event in &decoded {
        match event {
            DiaryEvent::WindowClosed(w) => closed.push(w.appointment),
            DiaryEvent::Completed(c) => completed.push(c.appointment),
            _ => {}
        }
    }
    assert_eq!(
        closed,
        [booked],
        "only the booking within 24 h closes, once"
    );
    assert_eq!(completed, [visit]);
    let diary = env.diary(seed.team).await;
    let later_one = diary.appointment(later).expect("booked");
    assert!(
        can_cancel(later_one, now),
        "Tuesday's booking can still be cancelled"
    );
    let quote_events = env
        .store
        .read_stream(&cma_store::Service::stream::<Quote>(quote.0))
        .await
        .expect("read");
    let expired = quote_events
        .iter()
        .filter(|r| matches!(r.decode::<QuoteEvent>(), Ok(QuoteEvent::Expired(_))))
        .count();
    assert_eq!(expired, 1);
    assert!(
        diary_events
            .iter()
            .chain(&quote_events)
            .filter(|r| r.event.actor == cma_store::Actor::System)
            .count()
            == 3
    );
}
