//! The client's side before acceptance: toggles and line comments.

use super::*;
use crate::access::{AccessDenied, Author, Section};

fn with_acceptance() -> Vec<QuoteEvent> {
    let history = vec![drafted(), sent()];
    let accepted = accepted_on(history.clone());
    history.into_iter().chain([accepted]).collect()
}

#[test]
fn a_client_can_tick_an_optional_line_and_the_totals_follow() {
    let before = Quote::replay(&[drafted(), sent()]);
    assert_eq!(
        (
            before.totals().subtotal,
            before.totals().tax,
            before.totals().total
        ),
        (d("1200.00"), d("240.00"), d("1440.00"))
    );
    let after = given::<Quote>([drafted(), sent()])
        .at(now())
        .when(toggle(filter(), true))
        .then([toggled(filter(), true)]);
    // 2.5 × 95.50 = 238.75; 5 % of it is 11.9375, rounded to 11.94.
    let t = after.totals();
    assert_eq!(
        (
            t.subtotal.to_string(),
            t.tax.to_string(),
            t.total.to_string()
        ),
        ("1438.75".into(), "251.94".into(), "1690.69".into())
    );
}

#[test]
fn a_client_can_untick_an_optional_line() {
    let state = given::<Quote>([drafted(), sent(), toggled(filter(), true)])
        .at(now())
        .when(toggle(filter(), false))
        .then([toggled(filter(), false)]);
    assert_eq!(state.selected_lines(), vec![boiler()]);
}

#[test]
fn totals_are_sums_of_rounded_selected_lines() {
    let lines = vec![
        line(1, "Skirting (m)", "3.333", "0.333", "17.5"),
        optional(line(2, "Primer", "1", "0.005", "20"), true),
        optional(line(3, "Callout", "1", "49.995", "0"), false),
    ];
    let state = Quote::replay(&[drafted_with(lines), sent()]);
    let first = state.line_amounts(&state.lines[0]);
    // 3.333 × 0.333 = 1.109889 → 1.11; 17.5 % of 1.11 = 0.19425 → 0.19.
    assert_eq!(
        (first.net, first.tax, first.total),
        (d("1.11"), d("0.19"), d("1.30"))
    );
    // 0.005 rounds half away from zero to 0.01, tax 0.002 → 0.00.
    let t = state.totals();
    assert_eq!(
        (t.subtotal, t.tax, t.total),
        (d("1.12"), d("0.19"), d("1.31"))
    );
    let state = given::<Quote>([drafted_with(state.lines.clone()), sent()])
        .at(now())
        .when(toggle(LineId(Uuid::from_u128(3)), true))
        .then([toggled(LineId(Uuid::from_u128(3)), true)]);
    assert_eq!(state.totals().total.to_string(), "51.31");
}

#[test]
fn a_client_cannot_untick_a_required_line() {
    given::<Quote>([drafted(), sent()])
        .when(toggle(boiler(), false))
        .then_refused(QuoteError::LineNotOptional(boiler()));
}

#[test]
fn toggling_a_line_to_its_current_state_records_nothing() {
    given::<Quote>([drafted(), sent()])
        .when(toggle(filter(), false))
        .then_nothing();
}

#[test]
fn toggling_an_unknown_line_is_not_found() {
    let ghost = LineId(Uuid::from_u128(0x77));
    given::<Quote>([drafted(), sent()])
        .when(toggle(ghost, true))
        .then_refused(QuoteError::UnknownLine(ghost));
}

#[test]
fn a_client_cannot_touch_another_clients_quote() {
    let other = ClientPortal {
        client: ClientId(Uuid::from_u128(0x33)),
        ..portal()
    };
    given::<Quote>([drafted(), sent()])
        .when(toggle_by(other, filter(), true))
        .then_refused(QuoteError::QuoteNotFound);
}

#[test]
fn a_client_cannot_see_a_draft() {
    given::<Quote>([drafted()])
        .when(toggle(filter(), true))
        .then_refused(QuoteError::QuoteNotFound);
}

#[test]
fn a_suspended_portal_refuses_toggles() {
    let suspended = ClientPortal {
        enabled: false,
        ..portal()
    };
    given::<Quote>([drafted(), sent()])
        .when(toggle_by(suspended, filter(), true))
        .then_refused(QuoteError::Access(AccessDenied::PortalSuspended));
}

#[test]
fn toggles_are_refused_when_the_quotes_section_is_off() {
    let off = ClientPortal {
        sections: Sections {
            quotes: false,
            ..Sections::ALL
        },
        ..portal()
    };
    given::<Quote>([drafted(), sent()])
        .when(toggle_by(off, filter(), true))
        .then_refused(QuoteError::Access(AccessDenied::SectionOff(
            Section::Quotes,
        )));
}

#[test]
fn toggles_on_an_accepted_quote_are_refused() {
    given::<Quote>(with_acceptance())
        .when(toggle(filter(), true))
        .then_refused(QuoteError::QuoteLocked);
}

#[test]
fn toggles_on_a_withdrawn_quote_are_refused() {
    given::<Quote>([drafted(), sent(), withdrawn()])
        .when(toggle(filter(), true))
        .then_refused(QuoteError::QuoteWithdrawn);
}

#[test]
fn toggles_on_an_expired_quote_are_refused() {
    given::<Quote>([drafted(), sent(), expired()])
        .when(toggle(filter(), true))
        .then_refused(QuoteError::QuoteExpired);
}

#[test]
fn toggles_after_the_expiry_day_are_refused_before_the_worker_runs() {
    given::<Quote>([drafted(), sent()])
        .at(at("2027-04-01T00:00:00+01:00"))
        .when(toggle(filter(), true))
        .then_refused(QuoteError::QuoteExpired);
}

#[test]
fn a_client_can_comment_on_a_line_and_staff_reply_in_the_same_thread() {
    let filter_comment = |n, by, text: &str| {
        QuoteEvent::LineCommented(QuoteLineCommented {
            comment: CommentId(Uuid::from_u128(n)),
            line: filter(),
            text: text.to_owned(),
            by,
            at: now(),
        })
    };
    let asked = filter_comment(0x51, Author::Client(client()), "Is the filter needed?");
    given::<Quote>([drafted(), sent()])
        .at(now())
        .when(comment(
            By::Client(portal()),
            0x51,
            filter(),
            " Is the filter needed? ",
        ))
        .then([asked.clone()]);
    let reply = filter_comment(0x52, Author::Staff(staff()), "It protects the boiler.");
    let state = given::<Quote>([drafted(), sent(), asked])
        .at(now())
        .when(comment(
            By::Staff(staff()),
            0x52,
            filter(),
            "It protects the boiler.",
        ))
        .then([reply]);
    let thread: Vec<Author> = state.comments_on(filter()).map(|c| c.by).collect();
    assert_eq!(
        thread,
        vec![Author::Client(client()), Author::Staff(staff())]
    );
    assert_eq!(state.comments_on(boiler()).count(), 0);
}

#[test]
fn staff_can_comment_on_a_draft() {
    let outcome = given::<Quote>([drafted()])
        .when(comment(
            By::Staff(staff()),
            0x51,
            boiler(),
            "Check the flue",
        ))
        .outcome();
    assert!(matches!(
        outcome.as_deref(),
        Ok([QuoteEvent::LineCommented(_)])
    ));
}

#[test]
fn a_comment_retried_with_the_same_id_records_nothing() {
    let history = vec![drafted(), sent()];
    let first = given::<Quote>(history.clone())
        .when(comment(By::Client(portal()), 0x51, filter(), "Needed?"))
        .outcome()
        .expect("the first comment is recorded");
    given::<Quote>(history.into_iter().chain(first))
        .when(comment(By::Client(portal()), 0x51, filter(), "Needed?"))
        .then_nothing();
}

#[test]
fn an_empty_comment_is_refused() {
    given::<Quote>([drafted(), sent()])
        .when(comment(By::Client(portal()), 0x51, filter(), " \n "))
        .then_refused(QuoteError::CommentEmpty);
}

#[test]
fn a_comment_on_an_unknown_line_is_not_found() {
    let ghost = LineId(Uuid::from_u128(0x77));
    given::<Quote>([drafted(), sent()])
        .when(comment(By::Staff(staff()), 0x51, ghost, "Hello"))
        .then_refused(QuoteError::UnknownLine(ghost));
}

#[test]
fn comments_after_acceptance_are_refused_from_either_side() {
    given::<Quote>(with_acceptance())
        .when(comment(
            By::Client(portal()),
            0x51,
            filter(),
            "One more thing",
        ))
        .then_refused(QuoteError::QuoteLocked);
    given::<Quote>(with_acceptance())
        .when(comment(By::Staff(staff()), 0x52, filter(), "Thanks"))
        .then_refused(QuoteError::QuoteLocked);
}

#[test]
fn a_client_comment_is_refused_when_the_quotes_section_is_off() {
    let off = ClientPortal {
        sections: Sections::default(),
        ..portal()
    };
    given::<Quote>([drafted(), sent()])
        .when(comment(By::Client(off), 0x51, filter(), "Hello"))
        .then_refused(QuoteError::Access(AccessDenied::SectionOff(
            Section::Quotes,
        )));
}
