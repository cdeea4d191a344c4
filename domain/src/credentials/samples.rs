//! One value of every credentials event, for golden fixtures and docs.

use super::events::*;
use super::token_sha256;
use crate::ids::{ClientId, StaffId, TeamId};
use crate::testing::fixtures::after;
use uuid::Uuid;

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";

pub fn events() -> Vec<CredentialsEvent> {
    vec![
        CredentialsEvent::InviteIssued(CredentialsInviteIssued {
            client: ClientId(Uuid::from_u128(0x3)),
            email: "ada@example.com".to_owned(),
            token_sha256: token_sha256("invite-token"),
            expires_at: after(7 * 24 * 3_600_000_000),
            by: StaffId(Uuid::from_u128(0x2)),
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
            staff: StaffId(Uuid::from_u128(0x2)),
            team: TeamId(Uuid::from_u128(0x1)),
            email: "owner@example.com".to_owned(),
            password_hash: HASH.to_owned(),
            at: after(3),
        }),
    ]
}
