//! Client and portal-access rules, one test per rule and direction.

use super::*;
use crate::access::{ClientPortal, Sections};
use crate::aggregate::{Aggregate, Refusal, RefusalKind};
use crate::ids::{ClientId, TeamId};
use crate::testing::fixtures::{client, now, staff, team};
use crate::testing::given;
use uuid::Uuid;

fn quotes_only() -> Sections {
    Sections {
        quotes: true,
        ..Sections::default()
    }
}

fn create(emails: &[&str]) -> ClientCommand {
    create_named(" Ada Client ", emails)
}

fn create_named(name: &str, emails: &[&str]) -> ClientCommand {
    ClientCommand::Create {
        client: client(),
        team: team(),
        by: staff(),
        name: name.to_owned(),
        emails: emails.iter().map(|e| (*e).to_owned()).collect(),
    }
}

fn created(emails: &[&str]) -> ClientEvent {
    ClientEvent::Created(ClientCreated {
        client: client(),
        team: team(),
        name: "Ada Client".to_owned(),
        emails: emails.iter().map(|e| (*e).to_owned()).collect(),
        by: staff(),
        at: now(),
    })
}

fn invite(email: &str) -> ClientCommand {
    ClientCommand::Invite {
        team: team(),
        by: staff(),
        email: email.to_owned(),
        sections: quotes_only(),
    }
}

fn invited(email: &str) -> ClientEvent {
    ClientEvent::PortalInvited(ClientPortalInvited {
        email: email.to_owned(),
        sections: quotes_only(),
        by: staff(),
        at: now(),
    })
}

fn activated() -> ClientEvent {
    ClientEvent::PortalActivated(ClientPortalActivated { at: now() })
}

fn change_access(enabled: Option<bool>, sections: Option<Sections>) -> ClientCommand {
    ClientCommand::ChangeAccess {
        team: team(),
        by: staff(),
        enabled,
        sections,
    }
}

fn access_changed(enabled: bool, sections: Sections) -> ClientEvent {
    ClientEvent::AccessChanged(ClientAccessChanged {
        enabled,
        sections,
        by: staff(),
        at: now(),
    })
}

#[test]
fn staff_create_a_client_with_normalised_deduplicated_emails() {
    let state = given::<Client>([])
        .at(now())
        .when(create(&["Ada@Example.com ", "ada@example.COM", "b@x.org"]))
        .then([created(&["ada@example.com", "b@x.org"])]);
    assert_eq!(state.portal_status(), PortalStatus::NotInvited);
    assert_eq!(state.portal(), None);
}

#[test]
fn a_client_may_have_no_email() {
    given::<Client>([])
        .at(now())
        .when(create(&[]))
        .then([created(&[])]);
}

#[test]
fn a_malformed_email_is_refused() {
    for bad in [
        "ada",
        "ada@",
        "@example.com",
        "ada@example",
        "a b@example.com",
        "ada@ex..com",
    ] {
        given::<Client>([])
            .when(create(&[bad]))
            .then_refused(ClientError::InvalidEmail(bad.to_owned()));
    }
}

#[test]
fn a_client_needs_a_name() {
    given::<Client>([])
        .when(create_named("  ", &[]))
        .then_refused(ClientError::NameMissing);
}

#[test]
fn a_client_cannot_be_created_twice() {
    given::<Client>([created(&[])])
        .when(create(&[]))
        .then_refused(ClientError::ClientAlreadyExists);
}

#[test]
fn staff_save_another_email() {
    let cmd = ClientCommand::AddEmail {
        team: team(),
        by: staff(),
        email: " Work@Example.org".to_owned(),
    };
    let state = given::<Client>([created(&["ada@example.com"])])
        .at(now())
        .when(cmd)
        .then([ClientEvent::EmailAdded(ClientEmailAdded {
            email: "work@example.org".to_owned(),
            by: staff(),
            at: now(),
        })]);
    assert_eq!(state.emails, vec!["ada@example.com", "work@example.org"]);
}

#[test]
fn saving_an_email_already_saved_records_nothing() {
    let cmd = ClientCommand::AddEmail {
        team: team(),
        by: staff(),
        email: "ADA@example.com".to_owned(),
    };
    given::<Client>([created(&["ada@example.com"])])
        .when(cmd)
        .then_nothing();
}

#[test]
fn staff_invite_at_a_saved_email() {
    let state = given::<Client>([created(&["ada@example.com"])])
        .at(now())
        .when(invite("Ada@Example.com"))
        .then([invited("ada@example.com")]);
    assert_eq!(state.portal_status(), PortalStatus::Invited);
    assert_eq!(
        state.portal(),
        Some(ClientPortal {
            client: client(),
            enabled: true,
            sections: quotes_only()
        })
    );
}

#[test]
fn an_invite_to_an_unsaved_email_is_refused() {
    given::<Client>([created(&["ada@example.com"])])
        .when(invite("someone@else.com"))
        .then_refused(ClientError::EmailNotSaved("someone@else.com".to_owned()));
    assert_eq!(
        ClientError::EmailNotSaved(String::new()).kind(),
        RefusalKind::Unprocessable
    );
}

#[test]
fn a_client_with_no_email_cannot_be_invited() {
    given::<Client>([created(&[])])
        .when(invite("ada@example.com"))
        .then_refused(ClientError::NoSavedEmail);
    assert_eq!(ClientError::NoSavedEmail.kind(), RefusalKind::Unprocessable);
}

#[test]
fn re_inviting_is_allowed_and_recorded_again() {
    given::<Client>([
        created(&["ada@example.com", "b@x.org"]),
        invited("ada@example.com"),
    ])
    .at(now())
    .when(invite("b@x.org"))
    .then([invited("b@x.org")]);
}

#[test]
fn staff_of_another_team_cannot_invite() {
    let cmd = ClientCommand::Invite {
        team: TeamId(Uuid::from_u128(0x99)),
        by: staff(),
        email: "ada@example.com".to_owned(),
        sections: Sections::ALL,
    };
    given::<Client>([created(&["ada@example.com"])])
        .when(cmd)
        .then_refused(ClientError::ClientNotFound);
}

#[test]
fn setting_a_password_makes_the_portal_active() {
    let state = given::<Client>([created(&["ada@example.com"]), invited("ada@example.com")])
        .at(now())
        .when(ClientCommand::Activate)
        .then([activated()]);
    assert_eq!(state.portal_status(), PortalStatus::Active);
}

#[test]
fn activating_twice_records_nothing() {
    given::<Client>([
        created(&["ada@example.com"]),
        invited("ada@example.com"),
        activated(),
    ])
    .when(ClientCommand::Activate)
    .then_nothing();
}

#[test]
fn a_client_never_invited_cannot_be_activated() {
    given::<Client>([created(&["ada@example.com"])])
        .when(ClientCommand::Activate)
        .then_refused(ClientError::NotInvited);
}

#[test]
fn saving_access_changes_sections_without_an_invite() {
    let state = given::<Client>([created(&["ada@example.com"]), invited("ada@example.com")])
        .at(now())
        .when(change_access(None, Some(Sections::ALL)))
        .then([access_changed(true, Sections::ALL)]);
    assert_eq!(state.portal().map(|p| p.sections), Some(Sections::ALL));
    assert_eq!(state.portal_status(), PortalStatus::Invited);
}

#[test]
fn switching_the_portal_off_suspends_it_whatever_else() {
    let history = [
        created(&["ada@example.com"]),
        invited("ada@example.com"),
        activated(),
    ];
    let state = given::<Client>(history)
        .at(now())
        .when(change_access(Some(false), None))
        .then([access_changed(false, quotes_only())]);
    assert_eq!(state.portal_status(), PortalStatus::Suspended);
    assert_eq!(state.portal().map(|p| p.enabled), Some(false));
}

#[test]
fn switching_the_portal_back_on_restores_the_same_login() {
    let history = [
        created(&["ada@example.com"]),
        invited("ada@example.com"),
        activated(),
        access_changed(false, quotes_only()),
    ];
    let state = given::<Client>(history)
        .at(now())
        .when(change_access(Some(true), None))
        .then([access_changed(true, quotes_only())]);
    assert_eq!(state.portal_status(), PortalStatus::Active);
}

#[test]
fn saving_unchanged_access_records_nothing() {
    given::<Client>([created(&["ada@example.com"]), invited("ada@example.com")])
        .when(change_access(Some(true), Some(quotes_only())))
        .then_nothing();
}

#[test]
fn access_of_an_unknown_client_is_not_found() {
    given::<Client>([])
        .when(change_access(Some(false), None))
        .then_refused(ClientError::ClientNotFound);
}

#[test]
fn the_portal_status_has_the_api_spelling() {
    let all = [
        PortalStatus::NotInvited,
        PortalStatus::Invited,
        PortalStatus::Active,
        PortalStatus::Suspended,
    ];
    let names: Vec<&str> = all.iter().map(|s| s.as_str()).collect();
    assert_eq!(names, ["not_invited", "invited", "active", "suspended"]);
    assert_eq!(
        Client::replay(&[]).portal_status(),
        PortalStatus::NotInvited
    );
}

fn notifications(on: bool) -> ClientCommand {
    ClientCommand::ChangeEmailNotifications {
        client: client(),
        on,
    }
}

fn notifications_changed(on: bool) -> ClientEvent {
    ClientEvent::EmailNotificationsChanged(ClientEmailNotificationsChanged {
        on,
        by: client(),
        at: now(),
    })
}

#[test]
fn portal_update_emails_are_on_until_the_client_turns_them_off() {
    let state = given::<Client>([
        created(&["ada@example.com"]),
        invited("ada@example.com"),
        activated(),
    ])
    .at(now())
    .when(notifications(false))
    .then([notifications_changed(false)]);
    assert!(!state.email_notifications);
    assert!(Client::default().email_notifications);
}

#[test]
fn the_client_turns_portal_update_emails_back_on() {
    let state = given::<Client>([
        created(&["ada@example.com"]),
        invited("ada@example.com"),
        notifications_changed(false),
    ])
    .at(now())
    .when(notifications(true))
    .then([notifications_changed(true)]);
    assert!(state.email_notifications);
}

#[test]
fn choosing_the_notification_setting_already_saved_records_nothing() {
    given::<Client>([created(&["ada@example.com"]), invited("ada@example.com")])
        .when(notifications(true))
        .then_nothing();
    given::<Client>([
        created(&["ada@example.com"]),
        invited("ada@example.com"),
        notifications_changed(false),
    ])
    .when(notifications(false))
    .then_nothing();
}

#[test]
fn only_an_invited_client_with_a_portal_on_changes_notifications() {
    given::<Client>([])
        .when(notifications(false))
        .then_refused(ClientError::ClientNotFound);
    given::<Client>([created(&["ada@example.com"])])
        .when(notifications(false))
        .then_refused(ClientError::NotInvited);
    given::<Client>([
        created(&["ada@example.com"]),
        invited("ada@example.com"),
        access_changed(false, quotes_only()),
    ])
    .when(notifications(false))
    .then_refused(ClientError::PortalSuspended);
    assert_eq!(ClientError::PortalSuspended.kind(), RefusalKind::Forbidden);
}

#[test]
fn another_client_cannot_change_notifications() {
    given::<Client>([created(&["ada@example.com"]), invited("ada@example.com")])
        .when(ClientCommand::ChangeEmailNotifications {
            client: ClientId(Uuid::from_u128(0x77)),
            on: false,
        })
        .then_refused(ClientError::ClientNotFound);
}
