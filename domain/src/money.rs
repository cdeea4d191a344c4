//! Exact money. Per line: net = round(quantity × unit price);
//! tax = round(net × rate / 100); total = net + tax, where round is half away
//! from zero to the currency's minor unit. Document totals are sums of the
//! rounded line amounts (docs/product.md §4.3).

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Largest accepted quantity. With the other bounds this keeps every product
/// and every sum of up to millions of lines inside `Decimal`'s 28 digits.
pub const MAX_QUANTITY: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
/// Largest accepted unit price, in the major unit.
pub const MAX_UNIT_PRICE: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);
/// Largest accepted tax rate, in percent.
pub const MAX_TAX_RATE: Decimal = Decimal::ONE_HUNDRED;
/// Most decimal places accepted in a quantity, price or rate.
pub const MAX_SCALE: u32 = 6;

/// Most digits a decimal may have in all (`Decimal`'s precision).
const MAX_DIGITS: u32 = 28;

/// A regular expression (JSON Schema `pattern`) for the decimal strings a
/// line's figure at most `max` may be: no sign, at most [`MAX_SCALE`]
/// decimal places. `max` is a power of ten, as every bound here is.
pub fn figure_pattern(max: Decimal) -> String {
    let digits = max.trunc().to_string().len() - 1;
    format!("^([0-9]{{1,{digits}}}(\\.[0-9]{{1,{MAX_SCALE}}})?|{max}(\\.0{{1,{MAX_SCALE}}})?)$")
}

/// A regular expression for an amount the server can read: no sign, at
/// most [`MAX_SCALE`] decimal places and [`MAX_DIGITS`] digits in all.
pub fn amount_pattern() -> String {
    let whole = MAX_DIGITS - MAX_SCALE;
    format!("^[0-9]{{1,{whole}}}(\\.[0-9]{{1,{MAX_SCALE}}})?$")
}

/// An ISO 4217 currency, stored by its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// The currency with this ISO 4217 code (case-insensitive), if it exists.
    pub fn from_code(code: &str) -> Option<Self> {
        iso_currency::Currency::from_code(&code.to_ascii_uppercase()).map(Self)
    }

    /// Every ISO 4217 code [`Currency::from_code`] takes, upper case.
    pub fn codes() -> Vec<&'static str> {
        let letters = || b'A'..=b'Z';
        letters()
            .flat_map(|a| letters().flat_map(move |b| letters().map(move |c| [a, b, c])))
            .filter_map(|code| Self::from_code(std::str::from_utf8(&code).ok()?))
            .map(Self::code)
            .collect()
    }

    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point of the minor unit (2 for GBP, 0 for JPY, 3 for KWD).
    pub fn minor_digits(self) -> u32 {
        self.0.exponent().map_or(2, u32::from)
    }

    /// Rounds half away from zero to the minor unit, keeping that many places.
    pub fn round(self, amount: Decimal) -> Decimal {
        let mut rounded = amount
            .round_dp_with_strategy(self.minor_digits(), RoundingStrategy::MidpointAwayFromZero);
        rounded.rescale(self.minor_digits());
        rounded
    }
}

impl Default for Currency {
    fn default() -> Self {
        Self(iso_currency::Currency::GBP)
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Self::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown currency {code}")))
    }
}

/// Why a line's figures are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("{0} must not be negative")]
    Negative(&'static str),
    #[error("{0} is too large")]
    TooLarge(&'static str),
    #[error("{0} has more than {MAX_SCALE} decimal places")]
    TooPrecise(&'static str),
}

/// Checks the figures of one line: none negative, none beyond its bound,
/// none with more than [`MAX_SCALE`] decimal places.
pub fn check_line(
    quantity: Decimal,
    unit_price: Decimal,
    tax_rate: Decimal,
) -> Result<(), AmountError> {
    check_input("quantity", quantity, MAX_QUANTITY)?;
    check_input("unit_price", unit_price, MAX_UNIT_PRICE)?;
    check_input("tax_rate", tax_rate, MAX_TAX_RATE)
}

fn check_input(field: &'static str, value: Decimal, max: Decimal) -> Result<(), AmountError> {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(AmountError::Negative(field));
    }
    if value > max {
        return Err(AmountError::TooLarge(field));
    }
    if value.normalize().scale() > MAX_SCALE {
        return Err(AmountError::TooPrecise(field));
    }
    Ok(())
}

/// The rounded amounts of one line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAmounts {
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
}

impl LineAmounts {
    /// The amounts of `quantity` × `unit_price` taxed at `tax_rate` percent.
    /// Inputs that pass [`check_line`] cannot overflow.
    pub fn of(
        currency: Currency,
        quantity: Decimal,
        unit_price: Decimal,
        tax_rate: Decimal,
    ) -> Self {
        let net = currency.round(quantity * unit_price);
        let tax = currency.round(net * tax_rate / Decimal::ONE_HUNDRED);
        Self {
            net,
            tax,
            total: net + tax,
        }
    }
}

/// Subtotal, tax and total of a document: sums of rounded line amounts,
/// as decimal strings in the major unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Totals {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "120.00"))]
    pub subtotal: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "24.00"))]
    pub tax: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "144.00"))]
    pub total: Decimal,
}

impl Totals {
    /// Zero in the currency's minor unit (`0.00` for GBP).
    pub fn zero(currency: Currency) -> Self {
        let zero = currency.round(Decimal::ZERO);
        Self {
            subtotal: zero,
            tax: zero,
            total: zero,
        }
    }

    pub fn sum(currency: Currency, lines: impl IntoIterator<Item = LineAmounts>) -> Self {
        lines.into_iter().fold(Self::zero(currency), |t, l| Self {
            subtotal: t.subtotal + l.net,
            tax: t.tax + l.tax,
            total: t.total + l.total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixtures::{d, gbp};

    #[test]
    fn every_bound_is_a_power_of_ten_as_the_figure_pattern_needs() {
        for max in [MAX_QUANTITY, MAX_UNIT_PRICE, MAX_TAX_RATE] {
            let text = max.to_string();
            assert!(
                text.starts_with('1') && text[1..].bytes().all(|b| b == b'0'),
                "{max}"
            );
        }
        assert_eq!(
            figure_pattern(MAX_TAX_RATE),
            r"^([0-9]{1,2}(\.[0-9]{1,6})?|100(\.0{1,6})?)$"
        );
    }

    #[test]
    fn the_currency_codes_are_the_iso_4217_ones() {
        let codes = Currency::codes();
        assert!(codes.contains(&"GBP") && codes.contains(&"JPY") && codes.contains(&"KWD"));
        assert!(!codes.contains(&"XYZ"));
        assert!(codes.len() > 150, "{}", codes.len());
    }

    #[test]
    fn half_a_penny_rounds_away_from_zero() {
        let l = LineAmounts::of(gbp(), d("1"), d("0.005"), d("0"));
        assert_eq!(l.net.to_string(), "0.01");
        assert_eq!(l.total.to_string(), "0.01");
    }

    #[test]
    fn fractional_quantities_round_per_line() {
        let l = LineAmounts::of(gbp(), d("2.5"), d("10.01"), d("20"));
        assert_eq!(
            (l.net.to_string(), l.tax.to_string(), l.total.to_string()),
            ("25.03".into(), "5.01".into(), "30.04".into())
        );
    }

    #[test]
    fn three_decimal_prices_and_three_digit_currencies() {
        let kwd = Currency::from_code("KWD").expect("KWD exists");
        let l = LineAmounts::of(kwd, d("3"), d("1.2345"), d("5"));
        assert_eq!(l.net.to_string(), "3.704");
        assert_eq!(l.tax.to_string(), "0.185");
        let jpy = Currency::from_code("JPY").expect("JPY exists");
        assert_eq!(
            LineAmounts::of(jpy, d("1"), d("99.5"), d("0"))
                .net
                .to_string(),
            "100"
        );
    }

    #[test]
    fn zero_rated_lines_carry_no_tax() {
        let l = LineAmounts::of(gbp(), d("4"), d("12.50"), d("0"));
        assert_eq!((l.net, l.tax, l.total), (d("50.00"), d("0.00"), d("50.00")));
        assert_eq!(l.tax.to_string(), "0.00");
    }

    #[test]
    fn totals_are_sums_of_rounded_lines_not_rounded_sums() {
        // 100 lines of 0.333 each: per-line rounding gives 0.33 × 100 = 33.00, not 33.30.
        let lines = (0..100).map(|_| LineAmounts::of(gbp(), d("1"), d("0.333"), d("20")));
        let t = Totals::sum(gbp(), lines);
        assert_eq!(t.subtotal.to_string(), "33.00");
        assert_eq!(t.tax.to_string(), "7.00");
        assert_eq!(t.total.to_string(), "40.00");
    }

    #[test]
    fn inputs_are_bounded() {
        for ([quantity, unit_price, tax_rate], refused) in [
            (["-1", "1", "0"], AmountError::Negative("quantity")),
            (
                ["1", "1000000001", "0"],
                AmountError::TooLarge("unit_price"),
            ),
            (["1", "1", "100.01"], AmountError::TooLarge("tax_rate")),
            (["1", "1", "0.0000001"], AmountError::TooPrecise("tax_rate")),
        ] {
            let checked = check_line(d(quantity), d(unit_price), d(tax_rate));
            assert_eq!(checked, Err(refused));
        }
        assert_eq!(check_line(d("2.500000000"), d("-0"), d("0")), Ok(()));
    }

    #[test]
    fn the_largest_inputs_do_not_overflow() {
        let max = d("0.999999");
        let l = LineAmounts::of(
            gbp(),
            MAX_QUANTITY - max,
            MAX_UNIT_PRICE - max,
            MAX_TAX_RATE,
        );
        let t = Totals::sum(gbp(), std::iter::repeat_n(l, 1_000_000));
        assert!(t.total > Decimal::ZERO);
    }

    #[test]
    fn currencies_serialize_as_their_code() {
        let bytes = postcard::to_allocvec(&gbp()).expect("encode");
        let back: Currency = postcard::from_bytes(&bytes).expect("decode");
        assert_eq!(back.code(), "GBP");
        assert!(Currency::from_code("XYZ").is_none());
    }
}
