//! A follower's batch reads each stream it needs once: every event of the
//! batch is worked out from that one read, and the next batch reads again.

use crate::fixtures::{Env, at};
use cma_domain::client::{Client, ClientCommand};
use cma_domain::ids::ClientId;
use cma_workers::email::facts::{BatchStates, Facts};

/// The client's saved addresses, as `facts` loads them with their team.
async fn addresses(facts: Facts<'_>, client: ClientId) -> Vec<String> {
    let (client, team) = facts
        .client(client)
        .await
        .expect("loaded")
        .expect("the client and team exist");
    assert_eq!(team.business_name, "Pipe & Co");
    client.emails
}

#[tokio::test]
async fn a_batch_reads_each_stream_once_and_the_next_batch_afresh() {
    let env = Env::sqlite(at("2026-12-04T12:00:00Z")).await;
    let seed = env.seed(0).await;
    let batch = BatchStates::default();
    let facts = || Facts {
        service: &env.service,
        position: 1,
        batch: &batch,
    };
    assert_eq!(addresses(facts(), seed.client).await, ["ann@client.test"]);

    env.run::<Client>(
        seed.client.0,
        seed.owner,
        ClientCommand::AddEmail {
            team: seed.team,
            by: seed.owner,
            email: "ann@home.test".to_owned(),
        },
    )
    .await;
    // The same batch works from the state it read.
    assert_eq!(addresses(facts(), seed.client).await, ["ann@client.test"]);
    // The next batch reads the stream again.
    let next = BatchStates::default();
    let fresh = Facts {
        service: &env.service,
        position: 2,
        batch: &next,
    };
    assert_eq!(
        addresses(fresh, seed.client).await,
        ["ann@client.test", "ann@home.test"]
    );
}
