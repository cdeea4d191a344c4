//! Staff's side: drafting, editing, sending, withdrawing, and expiry.

use super::*;
use crate::aggregate::{Refusal, RefusalKind};
use crate::money::AmountError;

#[test]
fn staff_can_draft_a_quote_with_a_trimmed_title() {
    let mut lines = samples::lines();
    lines[0].description = "  Combi boiler, fitted ".to_owned();
    let mut cmd = draft_cmd(lines);
    if let QuoteCommand::Draft { title, .. } = &mut cmd {
        *title = "  New boiler\n".to_owned();
    }
    let state = given::<Quote>([]).at(now()).when(cmd).then([drafted()]);
    assert_eq!(state.status(), QuoteStatus::Draft);
    assert_eq!(state.revision, 1);
    assert_eq!(state.selected_lines(), vec![boiler()]);
}

#[test]
fn a_quote_needs_a_title() {
    given::<Quote>([])
        .when(titled("   "))
        .then_refused(QuoteError::TitleMissing);
}

#[test]
fn a_quote_needs_at_least_one_line() {
    given::<Quote>([])
        .when(draft_cmd(vec![]))
        .then_refused(QuoteError::NoLines);
}

#[test]
fn a_negative_quantity_is_refused() {
    let err = QuoteError::InvalidAmount {
        line: LineId(Uuid::from_u128(7)),
        reason: AmountError::Negative("quantity"),
    };
    assert_eq!(err.kind(), RefusalKind::Unprocessable);
    given::<Quote>([])
        .when(draft_cmd(vec![line(7, "Pipe", "-1", "3.00", "20")]))
        .then_refused(err);
}

#[test]
fn a_required_line_must_be_selected() {
    let mut l = line(7, "Pipe", "1", "3.00", "20");
    l.selected = false;
    given::<Quote>([])
        .when(draft_cmd(vec![l]))
        .then_refused(QuoteError::RequiredLineUnselected(LineId(Uuid::from_u128(
            7,
        ))));
}

#[test]
fn an_optional_line_may_start_unselected() {
    let lines = vec![optional(line(7, "Pipe", "1", "3.00", "20"), false)];
    given::<Quote>([])
        .at(now())
        .when(draft_cmd(lines.clone()))
        .then([drafted_with(lines)]);
}

#[test]
fn line_ids_are_unique_within_a_quote() {
    let l = line(7, "Pipe", "1", "3.00", "20");
    given::<Quote>([])
        .when(draft_cmd(vec![l.clone(), l]))
        .then_refused(QuoteError::DuplicateLine(LineId(Uuid::from_u128(7))));
}

#[test]
fn a_line_needs_a_description() {
    given::<Quote>([])
        .when(draft_cmd(vec![line(7, " ", "1", "3.00", "20")]))
        .then_refused(QuoteError::DescriptionMissing(LineId(Uuid::from_u128(7))));
}

#[test]
fn a_quote_cannot_be_drafted_twice() {
    given::<Quote>([drafted()])
        .when(draft_cmd(samples::lines()))
        .then_refused(QuoteError::QuoteAlreadyExists);
}

#[test]
fn editing_a_draft_keeps_revision_one() {
    let lines = vec![line(0x11, "Combi boiler, fitted", "1", "1100.00", "20")];
    let state = given::<Quote>([drafted()])
        .at(now())
        .when(edit_lines(lines.clone()))
        .then([edited(1, lines)]);
    assert_eq!(state.revision, 1);
}

#[test]
fn editing_a_sent_quote_creates_a_new_revision() {
    let first = vec![line(0x11, "Combi boiler, fitted", "1", "1100.00", "20")];
    let second = vec![line(0x11, "Combi boiler, fitted", "1", "1000.00", "20")];
    let state = given::<Quote>([drafted(), sent(), edited(2, first)])
        .at(now())
        .when(edit_lines(second.clone()))
        .then([edited(3, second)]);
    assert_eq!((state.revision, state.status()), (3, QuoteStatus::Sent));
}

#[test]
fn editing_a_sent_quote_resets_selections_to_the_line_defaults() {
    let mut lines = samples::lines();
    lines[0].unit_price = d("1150.00");
    let state = given::<Quote>([drafted(), sent(), toggled(filter(), true)])
        .at(now())
        .when(edit_lines(lines.clone()))
        .then([edited(2, lines)]);
    assert_eq!(state.selected_lines(), vec![boiler()]);
}

#[test]
fn an_edit_that_changes_nothing_records_nothing() {
    given::<Quote>([drafted(), sent()])
        .when(edit_lines(samples::lines()))
        .then_nothing();
}

#[test]
fn an_edit_with_an_invalid_line_is_refused() {
    given::<Quote>([drafted(), sent()])
        .when(edit_lines(vec![line(7, "Pipe", "1", "3.0000001", "20")]))
        .then_refused(QuoteError::InvalidAmount {
            line: LineId(Uuid::from_u128(7)),
            reason: AmountError::TooPrecise("unit_price"),
        });
}

#[test]
fn an_accepted_quote_cannot_be_edited() {
    let history = vec![drafted(), sent()];
    let accepted = accepted_on(history.clone());
    given::<Quote>(history.into_iter().chain([accepted]))
        .when(edit_lines(vec![line(7, "Pipe", "1", "3.00", "20")]))
        .then_refused(QuoteError::QuoteLocked);
}

#[test]
fn a_withdrawn_quote_cannot_be_edited() {
    given::<Quote>([drafted(), sent(), withdrawn()])
        .when(edit_lines(vec![line(7, "Pipe", "1", "3.00", "20")]))
        .then_refused(QuoteError::QuoteWithdrawn);
}

#[test]
fn staff_of_another_team_cannot_see_the_quote() {
    given::<Quote>([drafted()])
        .when(QuoteCommand::Send {
            team: TeamId(Uuid::from_u128(0x99)),
            by: staff(),
        })
        .then_refused(QuoteError::QuoteNotFound);
}

#[test]
fn editing_an_expired_quote_offers_it_again_as_a_new_revision() {
    let mut cmd = edit_lines(samples::lines());
    if let QuoteCommand::Edit { expires_on, .. } = &mut cmd {
        *expires_on = Some(Some(date(2027, 4, 30)));
    }
    let mut expected = edited(2, samples::lines());
    if let QuoteEvent::Edited(e) = &mut expected {
        e.expires_on = Some(date(2027, 4, 30));
    }
    let state = given::<Quote>([drafted(), sent(), expired()])
        .at(now())
        .when(cmd)
        .then([expected]);
    assert_eq!((state.status(), state.revision), (QuoteStatus::Sent, 2));
}

#[test]
fn staff_send_a_draft_to_the_portal() {
    let state = given::<Quote>([drafted()])
        .at(now())
        .when(send())
        .then([sent()]);
    assert_eq!(state.status(), QuoteStatus::Sent);
}

#[test]
fn sending_a_sent_quote_records_nothing() {
    given::<Quote>([drafted(), sent()])
        .when(send())
        .then_nothing();
}

#[test]
fn a_withdrawn_quote_cannot_be_sent() {
    given::<Quote>([drafted(), withdrawn()])
        .when(send())
        .then_refused(QuoteError::QuoteWithdrawn);
}

#[test]
fn staff_can_withdraw_a_sent_quote() {
    let state = given::<Quote>([drafted(), sent()])
        .at(now())
        .when(withdraw())
        .then([withdrawn()]);
    assert_eq!(state.status(), QuoteStatus::Withdrawn);
}

#[test]
fn withdrawing_twice_records_nothing() {
    given::<Quote>([drafted(), sent(), withdrawn()])
        .when(withdraw())
        .then_nothing();
}

#[test]
fn an_accepted_quote_cannot_be_withdrawn() {
    let history = vec![drafted(), sent()];
    let accepted = accepted_on(history.clone());
    given::<Quote>(history.into_iter().chain([accepted]))
        .when(withdraw())
        .then_refused(QuoteError::QuoteLocked);
}

#[test]
fn the_worker_expires_a_quote_once_its_expiry_day_ends_in_the_team_time_zone() {
    // 31 March 2027 is in British Summer Time: the day ends at 23:00 UTC.
    given::<Quote>([drafted(), sent()])
        .at(at("2027-03-31T22:59:59Z"))
        .when(QuoteCommand::Expire {
            time_zone: london(),
        })
        .then_refused(QuoteError::NotYetExpired);
    let at = at("2027-03-31T23:00:00Z");
    let state = given::<Quote>([drafted(), sent()])
        .at(at)
        .when(QuoteCommand::Expire {
            time_zone: london(),
        })
        .then([QuoteEvent::Expired(QuoteExpired {
            expires_on: date(2027, 3, 31),
            at,
        })]);
    assert_eq!(state.status(), QuoteStatus::Expired);
}

#[test]
fn the_end_of_the_expiry_day_depends_on_the_time_zone() {
    let auckland =
        TimeZone::get("Pacific/Auckland").expect("the bundled time zones hold Pacific/Auckland");
    let at = at("2027-03-31T12:00:00Z"); // already 1 April in Auckland
    let state = Quote::replay(&[drafted(), sent()]);
    assert!(state.is_past_expiry(at, &auckland));
    assert!(!state.is_past_expiry(at, &london()));
    assert_eq!(state.status_at(at, &auckland), QuoteStatus::Expired);
    assert_eq!(state.status_at(at, &london()), QuoteStatus::Sent);
}

#[test]
fn a_recorded_status_and_expiry_day_read_as_the_quote_does() {
    let auckland =
        TimeZone::get("Pacific/Auckland").expect("the bundled time zones hold Pacific/Auckland");
    let at = at("2027-03-31T12:00:00Z");
    let state = Quote::replay(&[drafted(), sent()]);
    let recorded = QuoteStatus::parse(state.status().as_str());
    assert_eq!(recorded, Some(QuoteStatus::Sent));
    for zone in [auckland, london()] {
        assert_eq!(
            recorded.map(|s| s.at(state.expires_on, at, &zone)),
            Some(state.status_at(at, &zone))
        );
    }
    for status in [QuoteStatus::Accepted, QuoteStatus::Withdrawn] {
        assert_eq!(QuoteStatus::parse(status.as_str()), Some(status));
        assert_eq!(status.at(state.expires_on, at, &london()), status);
    }
    assert_eq!(QuoteStatus::parse("lost"), None);
}

#[test]
fn a_quote_without_an_expiry_date_does_not_expire() {
    let mut no_expiry = edited(2, samples::lines());
    if let QuoteEvent::Edited(e) = &mut no_expiry {
        e.expires_on = None;
    }
    given::<Quote>([drafted(), sent(), no_expiry])
        .at(at("2030-01-01T00:00:00Z"))
        .when(QuoteCommand::Expire {
            time_zone: london(),
        })
        .then_refused(QuoteError::NoExpiryDate);
}

#[test]
fn an_accepted_quote_never_expires() {
    let history = vec![drafted(), sent()];
    let accepted = accepted_on(history.clone());
    given::<Quote>(history.into_iter().chain([accepted]))
        .at(at("2030-01-01T00:00:00Z"))
        .when(QuoteCommand::Expire {
            time_zone: london(),
        })
        .then_nothing();
}

#[test]
fn refusals_map_to_the_documented_statuses() {
    assert_eq!(QuoteError::QuoteNotFound.kind(), RefusalKind::NotFound);
    assert_eq!(QuoteError::QuoteLocked.kind(), RefusalKind::Conflict);
    assert_eq!(QuoteError::AlreadyAccepted.kind(), RefusalKind::Conflict);
    assert_eq!(QuoteError::QuoteWithdrawn.kind(), RefusalKind::Conflict);
    assert_eq!(
        QuoteError::LineNotOptional(boiler()).kind(),
        RefusalKind::Unprocessable
    );
    assert_eq!(
        QuoteError::SignatureNotPng.kind(),
        RefusalKind::Unprocessable
    );
    let off = crate::access::AccessDenied::SectionOff(crate::access::Section::Quotes);
    assert_eq!(QuoteError::from(off).kind(), RefusalKind::Forbidden);
}

fn send() -> QuoteCommand {
    QuoteCommand::Send {
        team: team(),
        by: staff(),
    }
}

fn withdraw() -> QuoteCommand {
    QuoteCommand::Withdraw {
        team: team(),
        by: staff(),
    }
}
