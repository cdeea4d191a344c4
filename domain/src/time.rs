//! Instants in UTC. Events store them as Unix microseconds, never as text,
//! so their encoding cannot drift with a formatting library.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant in UTC with microsecond precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(jiff::Timestamp);

impl Timestamp {
    pub const UNIX_EPOCH: Timestamp = Timestamp(jiff::Timestamp::UNIX_EPOCH);

    /// The instant `micros` microseconds after the Unix epoch, if representable.
    pub fn from_micros(micros: i64) -> Option<Self> {
        jiff::Timestamp::from_microsecond(micros).ok().map(Self)
    }

    pub fn as_micros(self) -> i64 {
        self.0.as_microsecond()
    }

    /// Truncates to whole microseconds, the precision events keep.
    pub fn from_jiff(ts: jiff::Timestamp) -> Self {
        Self::from_micros(ts.as_microsecond()).unwrap_or(Self(ts))
    }

    pub fn to_jiff(self) -> jiff::Timestamp {
        self.0
    }

    /// Parses an RFC 3339 instant such as `2026-03-29T09:00:00+01:00`.
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        text.parse::<jiff::Timestamp>().ok().map(Self::from_jiff)
    }

    /// This instant moved by a signed number of seconds (saturating at the representable range).
    pub fn plus_seconds(self, seconds: i64) -> Self {
        let micros = self
            .as_micros()
            .saturating_add(seconds.saturating_mul(1_000_000));
        Self::from_micros(micros).unwrap_or(self)
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl From<jiff::Timestamp> for Timestamp {
    fn from(ts: jiff::Timestamp) -> Self {
        Self::from_jiff(ts)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.as_micros())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let micros = i64::deserialize(d)?;
        Self::from_micros(micros).ok_or_else(|| serde::de::Error::custom("timestamp out of range"))
    }
}
