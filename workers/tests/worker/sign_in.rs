//! A link that re-points a portal login to another address tells the
//! address that had it before, through a real SMTP server.

use crate::fixtures::{Env, Running, Seed, at, parse};
use cma_domain::client::{Client, ClientCommand};
use cma_domain::credentials::{Credentials, CredentialsCommand, TokenPurpose, token_sha256};
use cma_testkit::smtp::Smtp;
use cma_workers::email::list_emails;

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

async fn set_password(env: &Env, seed: &Seed, token: &str) {
    env.run::<Credentials>(
        seed.client.0,
        seed.owner,
        CredentialsCommand::SetPassword {
            purpose: TokenPurpose::Invite,
            token_sha256: token_sha256(token),
            password_hash: HASH.to_owned(),
        },
    )
    .await;
}

/// Staff add `email` to the client and re-invite them there; the link's token.
async fn re_invite(env: &Env, seed: &Seed, email: &str) -> String {
    let add = ClientCommand::AddEmail {
        team: seed.team,
        by: seed.owner,
        email: email.to_owned(),
    };
    env.run::<Client>(seed.client.0, seed.owner, add).await;
    env.invite_at(seed, email, 3600).await
}

#[tokio::test]
async fn a_re_invite_used_at_a_new_address_tells_the_previous_one() {
    let env = Env::sqlite(at("2026-12-04T12:00:00Z")).await;
    let seed = env.seed(0).await;
    let first = env.invite(&seed).await;
    set_password(&env, &seed, &first).await;
    // Re-invited at the same address: nothing to tell.
    let same = re_invite(&env, &seed, "ann@client.test").await;
    set_password(&env, &seed, &same).await;
    let moved = re_invite(&env, &seed, "someone@elsewhere.test").await;
    set_password(&env, &seed, &moved).await;

    let smtp = Smtp::start();
    let worker = Running::sending_to(&env, &smtp);
    // The invites were used before the worker saw them, so only the notice
    // goes out; it is about the last event, so every earlier one was seen
    // (the outbox list below holds all they gave).
    let got = smtp.wait_for(1).await;
    worker.stop().await;

    assert_eq!(got[0].to, ["ann@client.test"]);
    let mail = parse(&got[0].data);
    assert_eq!(
        mail.header("Subject"),
        "Your sign-in email for Pipe & Co was changed"
    );
    assert!(mail.text.contains("Hello Ann Client,"), "{}", mail.text);
    assert!(
        mail.text
            .contains("Your portal sign-in email was changed to someone@elsewhere.test."),
        "{}",
        mail.text
    );
    assert!(
        mail.text
            .contains("If this wasn't you, contact Pipe & Co at bob@pipe.test"),
        "{}",
        mail.text
    );
    assert!(mail.header("Reply-To").contains("bob@pipe.test"));

    let listed = list_emails(&env.db, seed.team, 50).await.expect("listed");
    let kinds: Vec<_> = listed
        .iter()
        .map(|e| (e.kind.as_str(), e.state.as_str()))
        .collect();
    assert_eq!(kinds, [("sign_in_email_changed", "sent")]);
}
