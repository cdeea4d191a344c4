//! Login rules, one test per rule and direction.

use super::*;
use crate::aggregate::{Aggregate, Refusal, RefusalKind};
use crate::testing::fixtures::{client, now, staff, team};
use crate::testing::given;
use crate::time::Timestamp;

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

fn hours(n: i64) -> Timestamp {
    now().plus_seconds(n * 3600)
}

fn issue_invite(token: &str) -> CredentialsCommand {
    invite_with(token_sha256(token), None)
}

/// An invite of a link whose token hashes to `token_sha256`, expiring at
/// `expires_at` (the default lifetime when `None`).
fn invite_with(token_sha256: String, expires_at: Option<Timestamp>) -> CredentialsCommand {
    CredentialsCommand::IssueInvite {
        client: client(),
        email: "ada@example.com".to_owned(),
        token_sha256,
        expires_at,
        by: staff(),
    }
}

fn invite_issued(token: &str, at: Timestamp) -> CredentialsEvent {
    CredentialsEvent::InviteIssued(CredentialsInviteIssued {
        client: client(),
        email: "ada@example.com".to_owned(),
        token_sha256: token_sha256(token),
        expires_at: at.plus_seconds(INVITE_LIFETIME_SECONDS),
        by: staff(),
        at,
    })
}

fn reset_issued(token: &str, at: Timestamp) -> CredentialsEvent {
    CredentialsEvent::ResetIssued(CredentialsResetIssued {
        token_sha256: token_sha256(token),
        expires_at: at.plus_seconds(RESET_LIFETIME_SECONDS),
        at,
    })
}

fn set_password(purpose: TokenPurpose, token: &str) -> CredentialsCommand {
    CredentialsCommand::SetPassword {
        purpose,
        token_sha256: token_sha256(token),
        password_hash: HASH.to_owned(),
    }
}

fn password_set(purpose: TokenPurpose, at: Timestamp) -> CredentialsEvent {
    CredentialsEvent::PasswordSet(CredentialsPasswordSet {
        purpose,
        password_hash: HASH.to_owned(),
        at,
    })
}

#[test]
fn an_invite_link_expires_after_seven_days_by_default() {
    let state = given::<Credentials>([])
        .at(now())
        .when(issue_invite("tok-1"))
        .then([invite_issued("tok-1", now())]);
    assert_eq!(
        state.pending.as_ref().map(|p| p.expires_at),
        Some(hours(7 * 24))
    );
    assert!(!state.has_password());
}

#[test]
fn an_invite_link_sets_the_first_password() {
    let state = given::<Credentials>([invite_issued("tok-1", now())])
        .at(hours(1))
        .when(set_password(TokenPurpose::Invite, "tok-1"))
        .then([password_set(TokenPurpose::Invite, hours(1))]);
    assert_eq!(state.password_hash.as_deref(), Some(HASH));
    assert_eq!(state.pending, None);
}

#[test]
fn a_used_link_is_refused() {
    given::<Credentials>([
        invite_issued("tok-1", now()),
        password_set(TokenPurpose::Invite, now()),
    ])
    .at(hours(1))
    .when(set_password(TokenPurpose::Invite, "tok-1"))
    .then_refused(CredentialsError::InvalidToken);
}

#[test]
fn an_expired_link_is_refused() {
    given::<Credentials>([invite_issued("tok-1", now())])
        .at(hours(7 * 24))
        .when(set_password(TokenPurpose::Invite, "tok-1"))
        .then_refused(CredentialsError::InvalidToken);
}

#[test]
fn a_link_works_until_just_before_it_expires() {
    let last = hours(7 * 24).plus_seconds(-1);
    given::<Credentials>([invite_issued("tok-1", now())])
        .at(last)
        .when(set_password(TokenPurpose::Invite, "tok-1"))
        .then([password_set(TokenPurpose::Invite, last)]);
}

#[test]
fn an_unknown_token_is_refused() {
    given::<Credentials>([invite_issued("tok-1", now())])
        .when(set_password(TokenPurpose::Invite, "guess"))
        .then_refused(CredentialsError::InvalidToken);
    assert_eq!(
        CredentialsError::InvalidToken.kind(),
        RefusalKind::BadRequest
    );
}

#[test]
fn a_re_invite_invalidates_the_old_link() {
    let history = [
        invite_issued("tok-1", now()),
        invite_issued("tok-2", hours(1)),
    ];
    given::<Credentials>(history.clone())
        .at(hours(2))
        .when(set_password(TokenPurpose::Invite, "tok-1"))
        .then_refused(CredentialsError::InvalidToken);
    given::<Credentials>(history)
        .at(hours(2))
        .when(set_password(TokenPurpose::Invite, "tok-2"))
        .then([password_set(TokenPurpose::Invite, hours(2))]);
}

#[test]
fn a_link_of_another_purpose_is_refused() {
    given::<Credentials>([invite_issued("tok-1", now())])
        .when(set_password(TokenPurpose::Reset, "tok-1"))
        .then_refused(CredentialsError::InvalidToken);
}

#[test]
fn a_reset_link_expires_after_an_hour_by_default() {
    let history = [
        invite_issued("tok-1", now()),
        password_set(TokenPurpose::Invite, now()),
    ];
    let cmd = CredentialsCommand::IssueReset {
        token_sha256: token_sha256("reset-1"),
        expires_at: None,
    };
    given::<Credentials>(history.clone())
        .at(hours(5))
        .when(cmd)
        .then([reset_issued("reset-1", hours(5))]);
    let with_reset: Vec<_> = history
        .into_iter()
        .chain([reset_issued("reset-1", hours(5))])
        .collect();
    given::<Credentials>(with_reset.clone())
        .at(hours(6))
        .when(set_password(TokenPurpose::Reset, "reset-1"))
        .then_refused(CredentialsError::InvalidToken);
    given::<Credentials>(with_reset)
        .at(hours(6).plus_seconds(-1))
        .when(set_password(TokenPurpose::Reset, "reset-1"))
        .then([password_set(TokenPurpose::Reset, hours(6).plus_seconds(-1))]);
}

#[test]
fn a_reset_link_is_single_use() {
    let history = [
        invite_issued("tok-1", now()),
        password_set(TokenPurpose::Invite, now()),
        reset_issued("reset-1", now()),
        password_set(TokenPurpose::Reset, now()),
    ];
    given::<Credentials>(history)
        .when(set_password(TokenPurpose::Reset, "reset-1"))
        .then_refused(CredentialsError::InvalidToken);
}

#[test]
fn a_reset_needs_an_existing_login() {
    let cmd = CredentialsCommand::IssueReset {
        token_sha256: token_sha256("reset-1"),
        expires_at: None,
    };
    given::<Credentials>([])
        .when(cmd)
        .then_refused(CredentialsError::NoLogin);
}

#[test]
fn a_caller_may_choose_the_expiry_but_not_in_the_past() {
    given::<Credentials>([])
        .at(now())
        .when(invite_with(token_sha256("tok-1"), Some(now())))
        .then_refused(CredentialsError::ExpiryNotAfterIssue);
}

#[test]
fn a_token_hash_must_be_sha256_hex() {
    given::<Credentials>([])
        .when(invite_with("tok-1".to_owned(), None))
        .then_refused(CredentialsError::MalformedTokenHash);
}

#[test]
fn a_password_is_stored_only_as_a_phc_hash() {
    let cmd = CredentialsCommand::SetPassword {
        purpose: TokenPurpose::Invite,
        token_sha256: token_sha256("tok-1"),
        password_hash: "hunter2".to_owned(),
    };
    given::<Credentials>([invite_issued("tok-1", now())])
        .at(hours(1))
        .when(cmd)
        .then_refused(CredentialsError::MalformedPasswordHash);
}

#[test]
fn staff_set_their_password_at_signup() {
    let cmd = CredentialsCommand::RegisterStaff {
        staff: staff(),
        team: team(),
        email: " Owner@Example.com".to_owned(),
        password_hash: HASH.to_owned(),
    };
    let registered = staff_registered();
    let state = given::<Credentials>([])
        .at(now())
        .when(cmd.clone())
        .then([registered.clone()]);
    assert!(state.has_password());
    given::<Credentials>([registered])
        .when(cmd)
        .then_refused(CredentialsError::AlreadyRegistered);
}

#[test]
fn a_staff_login_cannot_receive_a_client_invite() {
    let registered = staff_registered();
    given::<Credentials>([registered])
        .when(issue_invite("tok-1"))
        .then_refused(CredentialsError::OtherPrincipal);
}

fn staff_registered() -> CredentialsEvent {
    CredentialsEvent::StaffRegistered(CredentialsStaffRegistered {
        staff: staff(),
        team: team(),
        email: "owner@example.com".to_owned(),
        password_hash: HASH.to_owned(),
        at: now(),
    })
}

fn invite_to(email: &str, token: &str, at: Timestamp) -> CredentialsEvent {
    CredentialsEvent::InviteIssued(CredentialsInviteIssued {
        client: client(),
        email: email.to_owned(),
        token_sha256: token_sha256(token),
        expires_at: at.plus_seconds(INVITE_LIFETIME_SECONDS),
        by: staff(),
        at,
    })
}

#[test]
fn a_re_invite_to_another_address_re_points_the_login_once_its_link_is_used() {
    let history = [
        invite_issued("tok-1", now()),
        password_set(TokenPurpose::Invite, now()),
        invite_to("new@example.com", "tok-2", hours(1)),
    ];
    let waiting = Credentials::replay(&history);
    assert_eq!(waiting.repointed_from(), Some("ada@example.com"));
    assert!(waiting.accepts_link(TokenPurpose::Invite, &token_sha256("tok-2"), hours(2)));
    assert!(!waiting.accepts_link(TokenPurpose::Invite, &token_sha256("tok-1"), hours(2)));
    let used = given::<Credentials>(history)
        .at(hours(2))
        .when(set_password(TokenPurpose::Invite, "tok-2"))
        .then([password_set(TokenPurpose::Invite, hours(2))]);
    assert_eq!(used.password_email.as_deref(), Some("new@example.com"));
    assert_eq!(used.repointed_from(), None);
}

#[test]
fn a_re_invite_to_the_same_address_or_a_first_invite_re_points_nothing() {
    let first = Credentials::replay(&[invite_issued("tok-1", now())]);
    assert_eq!(first.repointed_from(), None);
    let again = Credentials::replay(&[
        invite_issued("tok-1", now()),
        password_set(TokenPurpose::Invite, now()),
        invite_to("ADA@example.com", "tok-2", hours(1)),
    ]);
    assert_eq!(again.repointed_from(), None);
}
