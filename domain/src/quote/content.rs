//! The canonical bytes of a quote as accepted, and their SHA-256.
//!
//! The layout is documented in `docs/acceptance-hash.md`; an auditor can
//! recompute it from the replayed stream and compare it with the hash the
//! acceptance recorded. Changing this layout needs a new magic string.

use super::events::QuoteLine;
use crate::ids::{LineId, QuoteId};
use crate::money::{Currency, LineAmounts, Totals};
use crate::sha256::sha256_hex;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// Identifies the layout version at the start of the encoding.
pub const MAGIC: &[u8] = b"cma-quote-acceptance/v1";

/// What a client accepts: one revision of a quote with their selection.
#[derive(Debug, Clone, Copy)]
pub struct AcceptedContent<'a> {
    pub quote: QuoteId,
    pub revision: u32,
    pub title: &'a str,
    pub currency: Currency,
    pub lines: &'a [QuoteLine],
    pub selected: &'a BTreeSet<LineId>,
}

impl AcceptedContent<'_> {
    /// The totals of the selected lines.
    pub fn totals(&self) -> Totals {
        Totals::sum(
            self.currency,
            self.lines
                .iter()
                .filter(|l| self.selected.contains(&l.id))
                .map(|l| amounts(self.currency, l)),
        )
    }

    /// The canonical byte encoding (see `docs/acceptance-hash.md`).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend(self.quote.0.as_bytes());
        out.extend(self.revision.to_be_bytes());
        text(&mut out, self.title);
        out.extend(self.currency.code().as_bytes());
        out.extend(
            u32::try_from(self.lines.len())
                .unwrap_or(u32::MAX)
                .to_be_bytes(),
        );
        for line in self.lines {
            let a = amounts(self.currency, line);
            out.extend(line.id.0.as_bytes());
            text(&mut out, &line.description);
            for figure in [line.quantity, line.unit_price, line.tax_rate] {
                decimal(&mut out, figure);
            }
            out.push(u8::from(line.optional));
            out.push(u8::from(self.selected.contains(&line.id)));
            for figure in [a.net, a.tax, a.total] {
                decimal(&mut out, figure);
            }
        }
        let t = self.totals();
        for figure in [t.subtotal, t.tax, t.total] {
            decimal(&mut out, figure);
        }
        out
    }

    /// SHA-256 of [`Self::encode`], lower-case hex.
    pub fn sha256(&self) -> String {
        sha256_hex(&self.encode())
    }
}

/// The rounded amounts of one line.
pub fn amounts(currency: Currency, line: &QuoteLine) -> LineAmounts {
    LineAmounts::of(currency, line.quantity, line.unit_price, line.tax_rate)
}

/// u32 big-endian byte length, then the UTF-8 bytes.
fn text(out: &mut Vec<u8>, s: &str) {
    out.extend(u32::try_from(s.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend(s.as_bytes());
}

/// The normalised decimal text (no trailing zeros, no exponent, `0` for zero) as [`text`].
fn decimal(out: &mut Vec<u8>, d: Decimal) {
    text(out, &canonical_decimal(d));
}

/// `12.50` → `12.5`, `-0.00` → `0`, `100` → `100`.
pub fn canonical_decimal(d: Decimal) -> String {
    let n = d.normalize();
    if n.is_zero() {
        "0".to_owned()
    } else {
        n.to_string()
    }
}
