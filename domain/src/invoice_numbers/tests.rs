use super::*;
use uuid::Uuid;

fn now() -> Timestamp {
    Timestamp::from_micros(1_775_000_000_000_000).expect("instant")
}

fn assign(state: &InvoiceNumbers, team: TeamId, invoice: InvoiceId) -> Vec<InvoiceNumbersEvent> {
    state
        .decide(
            InvoiceNumbersCommand::Assign {
                team,
                invoice,
                by: StaffId(Uuid::from_u128(1)),
            },
            now(),
        )
        .expect("assigned")
}

#[test]
fn numbers_count_up_from_one_per_team() {
    let team = TeamId(Uuid::from_u128(7));
    let mut state = InvoiceNumbers::default();
    for expected in 1..=3 {
        let invoice = InvoiceId(Uuid::from_u128(100 + u128::from(expected)));
        let events = assign(&state, team, invoice);
        assert!(matches!(&events[..], [InvoiceNumbersEvent::Assigned(e)] if e.number == expected));
        state = events.iter().fold(state, |s, e| s.evolve(e));
        assert_eq!(state.number_of(invoice), Some(expected));
    }
    assert_eq!(format_number(state.last), "INV-0003");
    assert_eq!(format_number(12_345), "INV-12345");
}

#[test]
fn the_same_invoice_again_changes_nothing() {
    let team = TeamId(Uuid::from_u128(7));
    let invoice = InvoiceId(Uuid::from_u128(100));
    let state = InvoiceNumbers::replay(&assign(&InvoiceNumbers::default(), team, invoice));
    assert_eq!(assign(&state, team, invoice), vec![]);
    assert_eq!(state.number_of(invoice), Some(1));
}

#[test]
fn another_team_and_the_last_number_are_refused() {
    let team = TeamId(Uuid::from_u128(7));
    let state = InvoiceNumbers::replay(&assign(
        &InvoiceNumbers::default(),
        team,
        InvoiceId(Uuid::from_u128(100)),
    ));
    let by = StaffId(Uuid::from_u128(1));
    let other = InvoiceNumbersCommand::Assign {
        team: TeamId(Uuid::from_u128(8)),
        invoice: InvoiceId(Uuid::from_u128(101)),
        by,
    };
    assert_eq!(
        state.decide(other, now()),
        Err(InvoiceNumbersError::OtherTeam)
    );
    let full = InvoiceNumbers {
        last: u32::MAX,
        ..state
    };
    let next = InvoiceNumbersCommand::Assign {
        team,
        invoice: InvoiceId(Uuid::from_u128(102)),
        by,
    };
    assert_eq!(
        full.decide(next, now()),
        Err(InvoiceNumbersError::Exhausted)
    );
}
