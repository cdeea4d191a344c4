//! Acceptance (docs/product.md §4.4, §4.5, §4.7): one event with all evidence, once.

use super::*;
use crate::access::AccessDenied;
use crate::sha256::sha256_hex;

#[test]
fn a_client_accepts_a_sent_quote_with_all_the_evidence_in_one_event() {
    let history = vec![drafted(), sent(), toggled(filter(), true)];
    let state = Quote::replay(&history);
    let png = acceptance().signature_png;
    let expected = QuoteEvent::Accepted(QuoteAccepted {
        by: client(),
        name: "Ada Client".to_owned(),
        signature_sha256: sha256_hex(&png),
        signature_png: png,
        ip: "203.0.113.7".to_owned(),
        user_agent: "Mozilla/5.0".to_owned(),
        session: SessionId(Uuid::from_u128(0x6)),
        revision: 1,
        currency: gbp(),
        selected_lines: vec![boiler(), filter()],
        totals: state.totals(),
        content_sha256: state.content().sha256(),
        at: now(),
        login_email: Some("ada@example.com".to_owned()),
        login_invite: Some(Uuid::from_u128(0x7)),
    });
    let after = given::<Quote>(history)
        .at(now())
        .when(accept(acceptance()))
        .then([expected]);
    assert_eq!(after.status(), QuoteStatus::Accepted);
    assert_eq!(after.totals().total, d("1690.69"));
}

#[test]
fn a_second_acceptance_is_refused() {
    let history = vec![drafted(), sent()];
    let accepted = accepted_on(history.clone());
    given::<Quote>(history.into_iter().chain([accepted]))
        .when(accept(acceptance()))
        .then_refused(QuoteError::AlreadyAccepted);
}

#[test]
fn an_expired_quote_cannot_be_accepted() {
    given::<Quote>([drafted(), sent(), expired()])
        .when(accept(acceptance()))
        .then_refused(QuoteError::QuoteExpired);
}

#[test]
fn a_quote_past_its_expiry_day_cannot_be_accepted_even_before_the_worker_runs() {
    given::<Quote>([drafted(), sent()])
        .at(at("2027-03-31T23:00:00Z"))
        .when(accept(acceptance()))
        .then_refused(QuoteError::QuoteExpired);
}

#[test]
fn a_quote_can_be_accepted_until_the_last_moment_of_its_expiry_day() {
    let outcome = given::<Quote>([drafted(), sent()])
        .at(at("2027-03-31T22:59:59.999999Z"))
        .when(accept(acceptance()))
        .outcome();
    assert!(matches!(outcome.as_deref(), Ok([QuoteEvent::Accepted(_)])));
}

#[test]
fn a_withdrawn_quote_cannot_be_accepted() {
    given::<Quote>([drafted(), sent(), withdrawn()])
        .when(accept(acceptance()))
        .then_refused(QuoteError::QuoteWithdrawn);
}

#[test]
fn a_draft_cannot_be_accepted() {
    given::<Quote>([drafted()])
        .when(accept(acceptance()))
        .then_refused(QuoteError::QuoteNotFound);
}

#[test]
fn another_client_cannot_accept() {
    let mut a = acceptance();
    a.by.client = ClientId(Uuid::from_u128(0x33));
    given::<Quote>([drafted(), sent()])
        .when(accept(a))
        .then_refused(QuoteError::QuoteNotFound);
}

#[test]
fn a_suspended_portal_cannot_accept() {
    let mut a = acceptance();
    a.by.enabled = false;
    given::<Quote>([drafted(), sent()])
        .when(accept(a))
        .then_refused(QuoteError::Access(AccessDenied::PortalSuspended));
}

#[test]
fn acceptance_needs_a_typed_name() {
    let mut a = acceptance();
    a.name = "  ".to_owned();
    given::<Quote>([drafted(), sent()])
        .when(accept(a))
        .then_refused(QuoteError::NameMissing);
}

#[test]
fn a_signature_that_is_not_a_png_is_refused() {
    let mut a = acceptance();
    a.signature_png = vec![0xff, 0xd8, 0xff, 0xe0, 0, 0x10, b'J', b'F', b'I', b'F', 0];
    given::<Quote>([drafted(), sent()])
        .when(accept(a))
        .then_refused(QuoteError::SignatureNotPng);
}

#[test]
fn a_png_with_a_corrupt_header_is_refused() {
    let mut a = acceptance();
    a.signature_png[20] ^= 0x01; // a byte of the width: the IHDR CRC no longer matches
    given::<Quote>([drafted(), sent()])
        .when(accept(a))
        .then_refused(QuoteError::SignatureNotPng);
}

#[test]
fn a_truncated_png_is_refused() {
    let mut a = acceptance();
    a.signature_png.truncate(40);
    given::<Quote>([drafted(), sent()])
        .when(accept(a))
        .then_refused(QuoteError::SignatureNotPng);
}

#[test]
fn an_oversized_signature_is_refused() {
    let mut a = acceptance();
    a.signature_png = vec![0; signature::MAX_SIGNATURE_BYTES + 1];
    given::<Quote>([drafted(), sent()])
        .when(accept(a))
        .then_refused(QuoteError::SignatureTooLarge);
}

#[test]
fn acceptance_of_a_revision_the_client_was_not_shown_is_refused() {
    let mut a = acceptance();
    a.revision = Some(1);
    let lines = vec![line(0x11, "Combi boiler, fitted", "1", "1100.00", "20")];
    given::<Quote>([drafted(), sent(), edited(2, lines)])
        .when(accept(a))
        .then_refused(QuoteError::RevisionChanged {
            shown: 1,
            current: 2,
        });
}

#[test]
fn acceptance_of_the_revision_shown_is_allowed() {
    let mut a = acceptance();
    a.revision = Some(1);
    let outcome = given::<Quote>([drafted(), sent()])
        .when(accept(a))
        .outcome();
    assert!(matches!(outcome.as_deref(), Ok([QuoteEvent::Accepted(_)])));
}

#[test]
fn the_content_hash_changes_with_the_selection() {
    let plain = accepted_on(vec![drafted(), sent()]);
    let with_filter = accepted_on(vec![drafted(), sent(), toggled(filter(), true)]);
    match (plain, with_filter) {
        (QuoteEvent::Accepted(a), QuoteEvent::Accepted(b)) => {
            assert_ne!(a.content_sha256, b.content_sha256);
            assert_eq!(a.content_sha256.len(), 64);
        }
        other => panic!("expected acceptances, got {other:?}"),
    }
}

#[test]
fn the_recorded_hash_can_be_recomputed_from_the_replayed_stream() {
    let history = vec![drafted(), sent(), toggled(filter(), true)];
    let accepted = accepted_on(history.clone());
    let before = Quote::replay(&history);
    let after = before.clone().evolve(&accepted);
    let recorded = after.acceptance.as_ref().map(|a| a.content_sha256.clone());
    assert_eq!(recorded, Some(before.content().sha256()));
}

#[test]
fn an_acceptance_recorded_before_version_2_reads_with_its_login_not_recorded() {
    use crate::codec::EventCodec;
    let v1 = include_bytes!("../../../tests/golden/QuoteAccepted.v1.bin");
    let Ok(QuoteEvent::Accepted(read)) = QuoteEvent::decode("QuoteAccepted", 1, v1) else {
        panic!("the version 1 fixture decodes");
    };
    assert_eq!((read.login_email, read.login_invite), (None, None));
    assert_eq!(read.name, "Ada Client");
    let Some(QuoteEvent::Accepted(current)) = samples::events().pop() else {
        panic!("the last sample is the acceptance");
    };
    let v2 = QuoteEvent::Accepted(current.clone()).encode();
    assert_eq!(
        QuoteEvent::decode("QuoteAccepted", 2, &v2),
        Ok(QuoteEvent::Accepted(current))
    );
}
