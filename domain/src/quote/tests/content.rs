//! The canonical encoding behind the acceptance hash, and the PNG check.

use super::*;
use crate::quote::content::{MAGIC, canonical_decimal};
use proptest::prelude::*;
use std::collections::BTreeSet;

fn encode(lines: &[QuoteLine], selected: &BTreeSet<LineId>, revision: u32) -> Vec<u8> {
    AcceptedContent {
        quote: QuoteId(Uuid::from_u128(0x4)),
        revision,
        title: "T",
        currency: gbp(),
        lines,
        selected,
    }
    .encode()
}

#[test]
fn the_encoding_follows_the_documented_layout() {
    let lines = vec![line(0x11, "Tap", "2", "1.50", "20")];
    let selected: BTreeSet<LineId> = [LineId(Uuid::from_u128(0x11))].into();
    let mut expected = MAGIC.to_vec();
    expected.extend(Uuid::from_u128(0x4).as_bytes());
    expected.extend(1u32.to_be_bytes());
    expected.extend([0, 0, 0, 1, b'T']);
    expected.extend(b"GBP");
    expected.extend(1u32.to_be_bytes());
    expected.extend(Uuid::from_u128(0x11).as_bytes());
    expected.extend([0, 0, 0, 3, b'T', b'a', b'p']);
    expected.extend([
        0, 0, 0, 1, b'2', 0, 0, 0, 3, b'1', b'.', b'5', 0, 0, 0, 2, b'2', b'0',
    ]);
    expected.extend([0, 1]); // required, selected
    expected.extend([
        0, 0, 0, 1, b'3', 0, 0, 0, 3, b'0', b'.', b'6', 0, 0, 0, 3, b'3', b'.', b'6',
    ]);
    expected.extend([
        0, 0, 0, 1, b'3', 0, 0, 0, 3, b'0', b'.', b'6', 0, 0, 0, 3, b'3', b'.', b'6',
    ]);
    assert_eq!(encode(&lines, &selected, 1), expected);
}

#[test]
fn decimals_are_written_without_trailing_zeros() {
    assert_eq!(canonical_decimal(d("12.50")), "12.5");
    assert_eq!(canonical_decimal(d("-0.00")), "0");
    assert_eq!(canonical_decimal(d("100")), "100");
    assert_eq!(canonical_decimal(d("0.000001")), "0.000001");
}

#[test]
fn equal_figures_written_differently_hash_the_same() {
    let a = vec![line(1, "Tap", "2", "1.5", "20")];
    let b = vec![line(1, "Tap", "2.000", "1.50", "20.0")];
    let none = BTreeSet::new();
    assert_eq!(encode(&a, &none, 1), encode(&b, &none, 1));
}

#[test]
fn a_minimal_png_passes_the_signature_check() {
    assert_eq!(signature::check_png(&signature::tiny_png(1, 1)), Ok(()));
    assert_eq!(
        signature::check_png(&signature::tiny_png(0, 1)),
        Err(QuoteError::SignatureNotPng)
    );
    assert_eq!(signature::check_png(&[]), Err(QuoteError::SignatureNotPng));
}

fn figure() -> impl Strategy<Value = Decimal> {
    (0i64..100_000_000, 0u32..=4).prop_map(|(mantissa, scale)| Decimal::new(mantissa, scale))
}

proptest! {
    #[test]
    fn any_change_to_an_accepted_figure_changes_the_hash(
        qty in figure(), price in figure(), rate in 0i64..=100,
        other in figure(), field in 0usize..6, selected in any::<bool>(),
    ) {
        let mut base = line(1, "Radiator", "1", "1", "0");
        base.quantity = qty;
        base.unit_price = price;
        base.tax_rate = Decimal::from(rate);
        base.optional = true;
        let ids: BTreeSet<LineId> = if selected { [base.id].into() } else { BTreeSet::new() };
        let mut changed = base.clone();
        let mut changed_ids = ids.clone();
        let mut revision = 1;
        match field {
            0 => changed.quantity = other,
            1 => changed.unit_price = other,
            2 => changed.tax_rate = other % Decimal::ONE_HUNDRED,
            3 => { changed_ids = if selected { BTreeSet::new() } else { [base.id].into() }; }
            4 => revision = 2,
            _ => changed.description.push('s'),
        }
        let same_figures = changed.quantity == base.quantity
            && changed.unit_price == base.unit_price
            && changed.tax_rate == base.tax_rate;
        prop_assume!(field >= 3 || !same_figures);
        let a = AcceptedContent { quote: QuoteId(Uuid::from_u128(4)), revision: 1, title: "T",
            currency: gbp(), lines: std::slice::from_ref(&base), selected: &ids };
        let b = AcceptedContent { revision, lines: std::slice::from_ref(&changed),
            selected: &changed_ids, ..a };
        prop_assert_ne!(a.sha256(), b.sha256());
    }
}

#[test]
fn the_documented_example_hashes_as_documented() {
    let lines = vec![line(0x11, "Tap", "2", "1.50", "20")];
    let selected: BTreeSet<LineId> = [LineId(Uuid::from_u128(0x11))].into();
    let bytes = encode(&lines, &selected, 1);
    assert_eq!(bytes.len(), 136);
    assert_eq!(
        crate::sha256::sha256_hex(&bytes),
        "025f44d82b82f028867e940f117f38a14444918b0b7a5e51ed3f7d32dab935c1"
    );
}
