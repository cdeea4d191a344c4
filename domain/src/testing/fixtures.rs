//! The small values tests and samples write out: decimals, money, instants,
//! the team, staff and clients scenarios act for. Each fails loudly on a
//! value it cannot build; none falls back silently.

use crate::access::{ClientPortal, Sections};
use crate::ids::{ClientId, StaffId, TeamId};
use crate::money::Currency;
use crate::time::Timestamp;
use rust_decimal::Decimal;
use uuid::Uuid;

/// The instant scenarios are decided at unless they say otherwise,
/// 2027-01-15T08:00:00Z, in microseconds since the Unix epoch.
pub const NOW_MICROS: i64 = 1_800_000_000_000_000;

/// [`NOW_MICROS`] as an instant.
pub fn now() -> Timestamp {
    after(0)
}

/// The instant `micros` microseconds after [`now`].
pub fn after(micros: i64) -> Timestamp {
    NOW_MICROS
        .checked_add(micros)
        .and_then(Timestamp::from_micros)
        .unwrap_or_else(|| panic!("{micros} µs after the test instant is out of range"))
}

/// An instant written in RFC 3339, e.g. `at("2026-06-10T12:00:00Z")`.
pub fn at(rfc3339: &str) -> Timestamp {
    Timestamp::parse_rfc3339(rfc3339)
        .unwrap_or_else(|| panic!("{rfc3339:?} is not an RFC 3339 instant"))
}

/// A decimal written out, e.g. `d("12.50")`.
pub fn d(text: &str) -> Decimal {
    text.parse()
        .unwrap_or_else(|e| panic!("{text:?} is not a decimal: {e}"))
}

/// Pounds sterling.
pub fn gbp() -> Currency {
    Currency::from_code("GBP").expect("GBP is a known currency")
}

/// The team scenarios act for.
pub fn team() -> TeamId {
    TeamId(Uuid::from_u128(0x1))
}

/// A staff member of [`team`] (its owner, where the team is created).
pub fn staff() -> StaffId {
    StaffId(Uuid::from_u128(0x2))
}

/// A client of [`team`].
pub fn client() -> ClientId {
    ClientId(Uuid::from_u128(0x3))
}

/// A client, where a scenario is about whose record is whose ([`bob`]'s).
pub fn alice() -> ClientId {
    ClientId(Uuid::from_u128(0xa11ce))
}

/// Another client than [`alice`].
pub fn bob() -> ClientId {
    ClientId(Uuid::from_u128(0xb0b))
}

/// `client`'s portal, switched on, with every section.
pub fn portal(client: ClientId) -> ClientPortal {
    ClientPortal {
        client,
        enabled: true,
        sections: Sections::ALL,
    }
}
