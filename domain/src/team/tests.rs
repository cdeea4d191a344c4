//! Team rules and the invite template, one test per rule and direction.

use super::template::{InviteValues, default_invite, render};
use super::*;
use crate::aggregate::Aggregate;
use crate::ids::{FileId, StaffId};
use crate::schedule::{Schedule, ScheduleError};
use crate::testing::fixtures::{now, staff as owner, team};
use crate::testing::given;
use uuid::Uuid;

fn sam() -> StaffMember {
    StaffMember {
        staff: owner(),
        name: "Sam Hart".to_owned(),
        email: "sam@hart.example".to_owned(),
    }
}
fn jo() -> StaffMember {
    StaffMember {
        staff: StaffId(Uuid::from_u128(0x8)),
        name: "Jo Fitter".to_owned(),
        email: "jo@hart.example".to_owned(),
    }
}
fn london_schedule() -> Schedule {
    Schedule {
        time_zone: "Europe/London".to_owned(),
        ..Schedule::default()
    }
}

fn created() -> TeamEvent {
    TeamEvent::Created(TeamCreated {
        team: team(),
        business_name: "Hart Plumbing".to_owned(),
        owner: sam(),
        schedule: london_schedule(),
        invite_email: default_invite(),
        at: now(),
    })
}

fn settings(by: StaffId) -> TeamCommand {
    TeamCommand::ChangeSettings {
        by,
        business_name: None,
        branding: None,
        schedule: None,
        invite_email: None,
        contact_email: None,
    }
}

/// The settings of [`created`] under another business name, as saved.
fn renamed(business_name: &str) -> TeamEvent {
    TeamEvent::SettingsChanged(TeamSettingsChanged {
        business_name: business_name.to_owned(),
        branding: Branding::default(),
        schedule: london_schedule(),
        invite_email: default_invite(),
        by: owner(),
        at: now(),
    })
}

/// The owner adds `member` to the team.
fn add_staff(member: StaffMember) -> TeamCommand {
    TeamCommand::AddStaff {
        by: owner(),
        member,
    }
}

fn with_template(subject: &str, body: &str) -> TeamCommand {
    let mut cmd = settings(owner());
    if let TeamCommand::ChangeSettings { invite_email, .. } = &mut cmd {
        *invite_email = Some(EmailTemplate {
            subject: subject.to_owned(),
            body: body.to_owned(),
        });
    }
    cmd
}

fn with_branding(branding: Branding) -> TeamCommand {
    let mut cmd = settings(owner());
    if let TeamCommand::ChangeSettings { branding: b, .. } = &mut cmd {
        *b = Some(branding);
    }
    cmd
}

#[test]
fn a_business_signs_up_with_its_owner_and_time_zone() {
    let cmd = TeamCommand::Create {
        team: team(),
        business_name: " Hart Plumbing ".to_owned(),
        owner: StaffMember {
            email: "Sam@Hart.example".to_owned(),
            ..sam()
        },
        time_zone: "Europe/London".to_owned(),
    };
    let state = given::<Team>([]).at(now()).when(cmd).then([created()]);
    assert_eq!(state.member(owner()), Some(&sam()));
    assert_eq!(state.invite_email, default_invite());
}

#[test]
fn an_unknown_time_zone_is_refused() {
    let cmd = TeamCommand::Create {
        team: team(),
        business_name: "Hart Plumbing".to_owned(),
        owner: sam(),
        time_zone: "Mars/Olympus".to_owned(),
    };
    given::<Team>([])
        .when(cmd)
        .then_refused(TeamError::Schedule(ScheduleError::UnknownTimeZone(
            "Mars/Olympus".to_owned(),
        )));
}

#[test]
fn a_team_cannot_be_created_twice() {
    let cmd = TeamCommand::Create {
        team: team(),
        business_name: "Hart Plumbing".to_owned(),
        owner: sam(),
        time_zone: "Europe/London".to_owned(),
    };
    given::<Team>([created()])
        .when(cmd)
        .then_refused(TeamError::TeamAlreadyExists);
}

#[test]
fn staff_change_the_settings_and_the_event_holds_all_of_them() {
    let mut cmd = settings(owner());
    if let TeamCommand::ChangeSettings { business_name, .. } = &mut cmd {
        *business_name = Some("Hart Heating".to_owned());
    }
    let state = given::<Team>([created()])
        .at(now())
        .when(cmd)
        .then([renamed("Hart Heating")]);
    assert_eq!(state.business_name, "Hart Heating");
}

#[test]
fn saving_unchanged_settings_records_nothing() {
    given::<Team>([created()])
        .when(settings(owner()))
        .then_nothing();
}

#[test]
fn only_the_teams_staff_change_its_settings() {
    given::<Team>([created()])
        .when(settings(StaffId(Uuid::from_u128(0x99))))
        .then_refused(TeamError::TeamNotFound);
}

#[test]
fn branding_is_normalised() {
    let outcome = given::<Team>([created()])
        .when(with_branding(Branding {
            accent_colour: Some(" #0A7D5A".to_owned()),
            logo: None,
            tagline: Some("  ".to_owned()),
        }))
        .outcome();
    let Ok(events) = outcome else {
        panic!("refused: {outcome:?}")
    };
    let state = Team::replay(&[created()]).evolve(&events[0]);
    assert_eq!(state.branding.accent_colour.as_deref(), Some("#0a7d5a"));
    assert_eq!(state.branding.tagline, None);
}

#[test]
fn an_accent_colour_must_be_a_hex_colour() {
    given::<Team>([created()])
        .when(with_branding(Branding {
            accent_colour: Some("green".to_owned()),
            ..Branding::default()
        }))
        .then_refused(TeamError::InvalidColour("green".to_owned()));
}

#[test]
fn a_schedule_needs_a_known_time_zone_and_a_sane_slot() {
    let mut bad_zone = london_schedule();
    bad_zone.time_zone = "Nowhere".to_owned();
    let mut bad_slot = london_schedule();
    bad_slot.slot_minutes = 0;
    for (schedule, error) in [
        (
            bad_zone,
            TeamError::Schedule(ScheduleError::UnknownTimeZone("Nowhere".to_owned())),
        ),
        (bad_slot, TeamError::Schedule(ScheduleError::SlotLength(0))),
    ] {
        let mut cmd = settings(owner());
        if let TeamCommand::ChangeSettings { schedule: s, .. } = &mut cmd {
            *s = Some(Box::new(schedule));
        }
        given::<Team>([created()]).when(cmd).then_refused(error);
    }
}

#[test]
fn a_template_with_known_placeholders_is_saved() {
    let outcome = given::<Team>([created()])
        .when(with_template(
            " Hi {{ client_name }} ",
            "{{staff_name}}: {{portal_link}}",
        ))
        .outcome();
    assert!(
        matches!(outcome.as_deref(), Ok([TeamEvent::SettingsChanged(e)])
        if e.invite_email.subject == "Hi {{ client_name }}")
    );
}

#[test]
fn a_template_is_refused_for_an_unknown_or_unclosed_placeholder_no_link_or_a_subject_of_lines() {
    for (subject, body, refusal) in [
        (
            "Hi {{first_name}}",
            "{{portal_link}}",
            TeamError::UnknownPlaceholder("first_name".to_owned()),
        ),
        (
            "Hi",
            "{{portal_link}} {{client_name",
            TeamError::UnclosedPlaceholder,
        ),
        ("Hi", "Hello {{client_name}}", TeamError::PortalLinkMissing),
        (
            "Hi\nBcc: x@y.z",
            "{{portal_link}}",
            TeamError::SubjectNotOneLine,
        ),
    ] {
        given::<Team>([created()])
            .when(with_template(subject, body))
            .then_refused(refusal);
    }
}

#[test]
fn rendering_fills_every_placeholder_once() {
    let values = InviteValues {
        client_name: "Ada {{portal_link}}",
        business_name: "Hart Plumbing",
        portal_link: "https://portal.example/portal/set-password?token=abc",
        staff_name: "Sam",
    };
    let email = render(&default_invite(), &values);
    assert_eq!(email.subject, "Your client portal with Hart Plumbing");
    assert!(
        email
            .body
            .starts_with("Hello Ada {{portal_link}},\n\nSam at Hart Plumbing")
    );
    assert!(
        email
            .body
            .contains("\nhttps://portal.example/portal/set-password?token=abc\n")
    );
    assert!(!email.body.contains("{{staff_name}}"));
}

#[test]
fn line_breaks_in_values_never_reach_the_subject() {
    let template = EmailTemplate {
        subject: "Hi {{client_name}}".to_owned(),
        body: "{{portal_link}}".to_owned(),
    };
    let values = InviteValues {
        client_name: "Ada\r\nBcc: evil@example.com",
        business_name: "",
        portal_link: "",
        staff_name: "",
    };
    assert_eq!(
        render(&template, &values).subject,
        "Hi Ada  Bcc: evil@example.com"
    );
}

#[test]
fn the_default_template_passes_its_own_checks() {
    assert_eq!(template::check(default_invite()), Ok(default_invite()));
}

#[test]
fn staff_add_a_colleague() {
    let state = given::<Team>([created()])
        .at(now())
        .when(add_staff(jo()))
        .then([TeamEvent::StaffAdded(TeamStaffAdded {
            member: jo(),
            by: owner(),
            at: now(),
        })]);
    assert_eq!(state.staff.len(), 2);
}

#[test]
fn a_colleague_cannot_share_an_email_with_another() {
    given::<Team>([created()])
        .when(add_staff(StaffMember {
            email: "SAM@hart.example".to_owned(),
            ..jo()
        }))
        .then_refused(TeamError::StaffEmailTaken);
}

#[test]
fn adding_the_same_colleague_again_records_nothing() {
    let added = TeamEvent::StaffAdded(TeamStaffAdded {
        member: jo(),
        by: owner(),
        at: now(),
    });
    given::<Team>([created(), added])
        .when(add_staff(jo()))
        .then_nothing();
}

#[test]
fn only_the_teams_staff_add_colleagues() {
    given::<Team>([created()])
        .when(TeamCommand::AddStaff {
            by: StaffId(Uuid::from_u128(0x99)),
            member: jo(),
        })
        .then_refused(TeamError::TeamNotFound);
}

const DIGEST: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn logo_file() -> FileId {
    FileId(Uuid::from_u128(0x7))
}

fn change_logo(content_type: &str, size: u64) -> TeamCommand {
    logo_command(owner(), logo_file(), content_type, size, DIGEST)
}

fn logo_command(
    by: StaffId,
    file: FileId,
    content_type: &str,
    size: u64,
    sha256: &str,
) -> TeamCommand {
    TeamCommand::ChangeLogo {
        by,
        file,
        content_type: content_type.to_owned(),
        size,
        sha256: sha256.to_owned(),
        storage_key: DIGEST.to_owned(),
    }
}

fn logo_changed() -> TeamEvent {
    TeamEvent::LogoChanged(TeamLogoChanged {
        logo: TeamLogo {
            file: logo_file(),
            content_type: "image/png".to_owned(),
            size: 512,
            sha256: DIGEST.to_owned(),
            storage_key: DIGEST.to_owned(),
        },
        by: owner(),
        at: now(),
    })
}

#[test]
fn staff_set_a_logo_and_branding_names_it() {
    let state = given::<Team>([created()])
        .at(now())
        .when(change_logo("image/PNG", 512))
        .then([logo_changed()]);
    assert_eq!(state.branding.logo, Some(logo_file()));
    assert_eq!(state.logo.map(|l| l.size), Some(512));
}

#[test]
fn the_same_image_again_records_nothing() {
    given::<Team>([created(), logo_changed()])
        .when(logo_command(
            owner(),
            FileId(Uuid::from_u128(0x9)),
            "image/png",
            512,
            DIGEST,
        ))
        .then_nothing();
}

#[test]
fn a_logo_must_be_a_web_image_within_the_limit() {
    given::<Team>([created()])
        .when(change_logo("application/pdf", 512))
        .then_refused(TeamError::LogoTypeNotAllowed("application/pdf".to_owned()));
    given::<Team>([created()])
        .when(change_logo("image/heic", 512))
        .then_refused(TeamError::LogoTypeNotAllowed("image/heic".to_owned()));
    given::<Team>([created()])
        .when(change_logo("image/gif", MAX_LOGO_BYTES + 1))
        .then_refused(TeamError::LogoTooLarge {
            size: MAX_LOGO_BYTES + 1,
            limit: MAX_LOGO_BYTES,
        });
    given::<Team>([created()])
        .when(change_logo("image/webp", 0))
        .then_refused(TeamError::LogoEmpty);
    given::<Team>([created()])
        .when(logo_command(
            owner(),
            logo_file(),
            "image/jpeg",
            512,
            "not-a-digest",
        ))
        .then_refused(TeamError::LogoBadDigest);
}

#[test]
fn only_the_teams_staff_change_its_logo() {
    given::<Team>([created()])
        .when(logo_command(
            StaffId(Uuid::from_u128(0x99)),
            logo_file(),
            "image/png",
            512,
            DIGEST,
        ))
        .then_refused(TeamError::TeamNotFound);
    given::<Team>([created(), logo_changed()])
        .when(TeamCommand::RemoveLogo {
            by: StaffId(Uuid::from_u128(0x99)),
        })
        .then_refused(TeamError::TeamNotFound);
}

#[test]
fn staff_remove_the_logo_once() {
    let state = given::<Team>([created(), logo_changed()])
        .at(now())
        .when(TeamCommand::RemoveLogo { by: owner() })
        .then([TeamEvent::LogoRemoved(TeamLogoRemoved {
            by: owner(),
            at: now(),
        })]);
    assert_eq!(state.branding.logo, None);
    assert_eq!(state.logo, None);
    given::<Team>([created()])
        .when(TeamCommand::RemoveLogo { by: owner() })
        .then_nothing();
}

#[test]
fn settings_name_only_the_teams_own_logo_and_keep_it() {
    let other = FileId(Uuid::from_u128(0x42));
    given::<Team>([created(), logo_changed()])
        .when(with_branding(Branding {
            logo: Some(other),
            ..Branding::default()
        }))
        .then_refused(TeamError::NotTheLogo(other));
    // Branding without a logo (or with the current one) keeps the logo.
    for logo in [None, Some(logo_file())] {
        let outcome = given::<Team>([created(), logo_changed()])
            .when(with_branding(Branding {
                accent_colour: Some("#112233".to_owned()),
                logo,
                tagline: None,
            }))
            .outcome();
        let Ok(events) = outcome else {
            panic!("refused: {outcome:?}")
        };
        let [TeamEvent::SettingsChanged(changed)] = events.as_slice() else {
            panic!("{events:?}")
        };
        assert_eq!(changed.branding.logo, Some(logo_file()));
    }
}

#[test]
fn a_logo_named_by_early_settings_is_not_the_logo() {
    let early = TeamEvent::SettingsChanged(TeamSettingsChanged {
        business_name: "Hart Plumbing".to_owned(),
        branding: Branding {
            logo: Some(FileId(Uuid::from_u128(0x42))),
            ..Branding::default()
        },
        schedule: london_schedule(),
        invite_email: default_invite(),
        by: owner(),
        at: now(),
    });
    let state = Team::replay(&[created(), early]);
    assert_eq!(state.branding.logo, None);
}

fn with_contact(email: &str) -> TeamCommand {
    let mut cmd = settings(owner());
    if let TeamCommand::ChangeSettings { contact_email, .. } = &mut cmd {
        *contact_email = Some(email.to_owned());
    }
    cmd
}

fn contact_changed(email: &str) -> TeamEvent {
    TeamEvent::ContactEmailChanged(TeamContactEmailChanged {
        contact_email: email.to_owned(),
        by: owner(),
        at: now(),
    })
}

#[test]
fn the_contact_address_is_the_owners_email_until_staff_set_one() {
    let given = given::<Team>([created()]);
    assert_eq!(given.state().contact_email(), Some("sam@hart.example"));
}

#[test]
fn staff_set_the_contact_address_trimmed_and_in_lower_case() {
    let state = given::<Team>([created()])
        .at(now())
        .when(with_contact(" Office@Hart.example "))
        .then([contact_changed("office@hart.example")]);
    assert_eq!(state.contact_email(), Some("office@hart.example"));
}

#[test]
fn the_same_contact_address_again_records_nothing() {
    given::<Team>([created(), contact_changed("office@hart.example")])
        .at(now())
        .when(with_contact("office@hart.example"))
        .then_nothing();
    given::<Team>([created()])
        .at(now())
        .when(with_contact("sam@hart.example"))
        .then_nothing();
}

#[test]
fn a_contact_address_that_is_not_an_email_address_is_refused() {
    for bad in [
        "",
        "office",
        "office@hart",
        "of fice@hart.example",
        "a@b@hart.example",
    ] {
        given::<Team>([created()])
            .when(with_contact(bad))
            .then_refused(TeamError::InvalidEmail(bad.trim().to_owned()));
    }
}

#[test]
fn settings_and_the_contact_address_change_in_one_command() {
    let mut cmd = with_contact("office@hart.example");
    if let TeamCommand::ChangeSettings { business_name, .. } = &mut cmd {
        *business_name = Some("Hart Heating".to_owned());
    }
    given::<Team>([created()]).at(now()).when(cmd).then([
        renamed("Hart Heating"),
        contact_changed("office@hart.example"),
    ]);
}

#[test]
fn a_bad_contact_address_changes_no_other_setting() {
    let mut cmd = with_contact("nope");
    if let TeamCommand::ChangeSettings { business_name, .. } = &mut cmd {
        *business_name = Some("Hart Heating".to_owned());
    }
    given::<Team>([created()])
        .when(cmd)
        .then_refused(TeamError::InvalidEmail("nope".to_owned()));
}

#[test]
fn names_and_the_tagline_are_one_line_without_escapes_or_overrides() {
    let bad = "Hart\u{1b}[2J Plumbing";
    let create = |business_name: &str, owner: StaffMember| TeamCommand::Create {
        team: team(),
        business_name: business_name.to_owned(),
        owner,
        time_zone: "Europe/London".to_owned(),
    };
    given::<Team>([])
        .when(create("Hart\nPlumbing", sam()))
        .then_refused(TeamError::HiddenCharacters("business_name"));
    let named = |name: &str| StaffMember {
        name: name.to_owned(),
        ..sam()
    };
    given::<Team>([])
        .when(create("Hart Plumbing", named("Sam \u{202e}traH")))
        .then_refused(TeamError::HiddenCharacters("name"));
    let mut rename = settings(owner());
    if let TeamCommand::ChangeSettings { business_name, .. } = &mut rename {
        *business_name = Some(bad.to_owned());
    }
    given::<Team>([created()])
        .when(rename)
        .then_refused(TeamError::HiddenCharacters("business_name"));
    given::<Team>([created()])
        .when(add_staff(StaffMember {
            name: "Jo\u{200b}".to_owned(),
            ..jo()
        }))
        .then_refused(TeamError::HiddenCharacters("name"));
    given::<Team>([created()])
        .when(with_branding(Branding {
            tagline: Some("Fast\nfriendly".to_owned()),
            ..Branding::default()
        }))
        .then_refused(TeamError::HiddenCharacters("tagline"));
}

#[test]
fn the_invite_body_may_span_lines_but_holds_no_escapes_or_overrides() {
    given::<Team>([created()])
        .when(with_template("Your portal\u{2066}", "{{portal_link}}"))
        .then_refused(TeamError::HiddenCharacters("subject"));
    given::<Team>([created()])
        .when(with_template(
            "Your portal",
            "Hi\r\n{{portal_link}}\u{1b}[2J",
        ))
        .then_refused(TeamError::HiddenCharacters("body"));
    let outcome = given::<Team>([created()])
        .when(with_template("Your portal", "Hi,\n\n\t{{portal_link}}\n"))
        .outcome();
    assert!(
        matches!(outcome.as_deref(), Ok([TeamEvent::SettingsChanged(_)])),
        "{outcome:?}"
    );
}
