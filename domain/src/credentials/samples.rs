//! One value of every credentials event, for golden fixtures and docs.

use super::events::*;
use super::token_sha256;
use crate::testing::fixtures::{after, client, staff, team};

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";

pub fn events() -> Vec<CredentialsEvent> {
    vec![
        CredentialsEvent::InviteIssued(CredentialsInviteIssued {
            client: client(),
            email: "ada@example.com".to_owned(),
            token_sha256: token_sha256("invite-token"),
            expires_at: after(7 * 24 * 3_600_000_000),
            by: staff(),
            at: after(0),
        }),
        CredentialsEvent::ResetIssued(CredentialsResetIssued {
            token_sha256: token_sha256("reset-token"),
            expires_at: after(3_600_000_000),
            at: after(1),
        }),
        CredentialsEvent::PasswordSet(CredentialsPasswordSet {
            purpose: TokenPurpose::Invite,
            password_hash: HASH.to_owned(),
            at: after(2),
        }),
        CredentialsEvent::StaffRegistered(CredentialsStaffRegistered {
            staff: staff(),
            team: team(),
            email: "owner@example.com".to_owned(),
            password_hash: HASH.to_owned(),
            at: after(3),
        }),
    ]
}
