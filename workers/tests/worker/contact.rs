//! The business's contact address (a team setting): the Reply-To of emails
//! to clients and the organiser of calendar entries.

use crate::fixtures::{Env, Running, at, parse};
use cma_domain::ids::AppointmentId;
use cma_domain::team::{Team, TeamCommand};
use cma_testkit::smtp::Smtp;

#[tokio::test]
async fn emails_to_a_client_answer_to_the_changed_contact_address() {
    let env = Env::sqlite(at("2026-12-04T12:00:00Z")).await;
    let seed = env.seed(0).await;
    env.run::<Team>(
        seed.team.0,
        seed.owner,
        TeamCommand::ChangeSettings {
            by: seed.owner,
            business_name: None,
            branding: None,
            schedule: None,
            invite_email: None,
            contact_email: Some("Office@Pipe.test".to_owned()),
        },
    )
    .await;
    env.invite(&seed).await;
    let appointment = AppointmentId::new();
    env.book(&seed, appointment, "2026-12-07T10:00:00Z").await;
    let smtp = Smtp::start();
    let worker = Running::sending_to(&env, &smtp);
    // The invite and the booking to Ann, the booking to Bob.
    let got = smtp.wait_for(3).await;
    worker.stop().await;

    let to_ann: Vec<_> = got
        .iter()
        .filter(|r| r.to == ["ann@client.test"])
        .map(|r| parse(&r.data))
        .collect();
    assert_eq!(to_ann.len(), 2);
    for mail in &to_ann {
        assert_eq!(mail.header("Reply-To"), "Pipe & Co <office@pipe.test>");
    }
    let (_, ics) = to_ann
        .iter()
        .find_map(|m| m.calendar.clone())
        .expect("the booking's calendar entry");
    assert!(
        ics.contains("ORGANIZER;CN=Pipe & Co:mailto:office@pipe.test"),
        "{ics}"
    );
    // Staff's answers still go to the client.
    let to_bob = got
        .iter()
        .find(|r| r.to == ["bob@pipe.test"])
        .map(|r| parse(&r.data))
        .expect("the booking to staff");
    assert_eq!(
        to_bob.header("Reply-To"),
        "\"Ann Client\" <ann@client.test>"
    );
}
