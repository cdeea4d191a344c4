//! How domain events become envelope payloads and back.
//!
//! Postcard is not self-describing, so every event type carries a schema
//! version in its envelope. A superseded version keeps its payload type and is
//! upcast (with `From`) to the current one when read.

/// An event enum whose variants can be stored as (type name, schema version, bytes).
pub trait EventCodec: Sized {
    /// The stored type name of this event, unique across the whole log.
    fn event_type(&self) -> &'static str;
    /// The current schema version of this event's type.
    fn schema_version(&self) -> u16;
    /// The postcard bytes of the payload.
    fn encode(&self) -> Vec<u8>;
    /// Decodes (and upcasts) a stored payload.
    fn decode(event_type: &str, schema_version: u16, payload: &[u8]) -> Result<Self, DecodeError>;
    /// Every (type name, schema version) this enum can read, current and superseded.
    fn known_versions() -> &'static [(&'static str, u16)];
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown event type {0}")]
    UnknownType(String),
    #[error("event type {event_type} has no schema version {version}")]
    UnknownVersion { event_type: String, version: u16 },
    #[error("payload of {event_type} v{version} does not decode: {reason}")]
    Payload {
        event_type: String,
        version: u16,
        reason: String,
    },
}

/// Encodes one payload struct. Payloads are plain serde data (no maps with
/// non-string keys, no untagged enums), for which postcard cannot fail.
pub fn encode_payload<T: serde::Serialize>(payload: &T) -> Vec<u8> {
    postcard::to_allocvec(payload).expect("domain event payloads are plain serde data")
}

/// Decodes one payload struct of a given stored type and version.
pub fn decode_payload<T: serde::de::DeserializeOwned>(
    event_type: &str,
    version: u16,
    bytes: &[u8],
) -> Result<T, DecodeError> {
    postcard::from_bytes(bytes).map_err(|e| DecodeError::Payload {
        event_type: event_type.to_owned(),
        version,
        reason: e.to_string(),
    })
}

/// Declares a stream's event enum and its codec.
///
/// ```text
/// event_enum! {
///     /// Events of a quote stream.
///     pub enum QuoteEvent {
///         Created(QuoteCreated) = "QuoteCreated" v 2 { 1 => QuoteCreatedV1 },
///         LineToggled(LineToggled) = "QuoteLineToggled" v 1,
///     }
/// }
/// ```
/// `v 2 { 1 => QuoteCreatedV1 }` says the current version is 2 and version 1
/// is still readable as `QuoteCreatedV1`, upcast with `From<QuoteCreatedV1> for QuoteCreated`.
#[macro_export]
macro_rules! event_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $variant:ident($payload:ty) = $type_name:literal v $version:literal
                $({ $($old:literal => $old_ty:ty),+ $(,)? })? ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $variant($payload), )+
        }

        impl $crate::codec::EventCodec for $name {
            fn event_type(&self) -> &'static str {
                match self { $( Self::$variant(_) => $type_name, )+ }
            }

            fn schema_version(&self) -> u16 {
                match self { $( Self::$variant(_) => $version, )+ }
            }

            fn encode(&self) -> Vec<u8> {
                match self { $( Self::$variant(p) => $crate::codec::encode_payload(p), )+ }
            }

            fn decode(
                event_type: &str,
                version: u16,
                bytes: &[u8],
            ) -> Result<Self, $crate::codec::DecodeError> {
                match event_type {
                    $( $type_name => match version {
                        $version => $crate::codec::decode_payload::<$payload>(event_type, version, bytes)
                            .map(Self::$variant),
                        $($( $old => $crate::codec::decode_payload::<$old_ty>(event_type, version, bytes)
                            .map(|old| Self::$variant(<$payload>::from(old))), )+)?
                        _ => Err($crate::codec::DecodeError::UnknownVersion {
                            event_type: event_type.to_owned(),
                            version,
                        }),
                    }, )+
                    _ => Err($crate::codec::DecodeError::UnknownType(event_type.to_owned())),
                }
            }

            fn known_versions() -> &'static [(&'static str, u16)] {
                &[ $( ($type_name, $version), $($( ($type_name, $old), )+)? )+ ]
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    /// Version 1 of a payload, superseded by [`Renamed`].
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct RenamedV1 {
        pub name: String,
    }

    /// Version 2 added a field.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Renamed {
        pub name: String,
        pub reason: Option<String>,
    }

    impl From<RenamedV1> for Renamed {
        fn from(old: RenamedV1) -> Self {
            Self {
                name: old.name,
                reason: None,
            }
        }
    }

    crate::event_enum! {
        pub enum Evolving {
            Renamed(Renamed) = "EvolvingRenamed" v 2 { 1 => RenamedV1 },
        }
    }

    #[test]
    fn a_superseded_version_is_upcast_when_read() {
        let stored = encode_payload(&RenamedV1 {
            name: "Hall".to_owned(),
        });
        let read = Evolving::decode("EvolvingRenamed", 1, &stored);
        assert_eq!(
            read,
            Ok(Evolving::Renamed(Renamed {
                name: "Hall".to_owned(),
                reason: None
            }))
        );
    }

    #[test]
    fn new_events_are_written_at_the_current_version() {
        let e = Evolving::Renamed(Renamed {
            name: "Hall".to_owned(),
            reason: Some("typo".to_owned()),
        });
        assert_eq!((e.event_type(), e.schema_version()), ("EvolvingRenamed", 2));
        assert_eq!(Evolving::decode("EvolvingRenamed", 2, &e.encode()), Ok(e));
        assert_eq!(
            Evolving::known_versions(),
            &[("EvolvingRenamed", 2), ("EvolvingRenamed", 1)]
        );
    }

    #[test]
    fn unknown_versions_and_garbage_are_refused_not_guessed() {
        assert!(matches!(
            Evolving::decode("EvolvingRenamed", 3, &[]),
            Err(DecodeError::UnknownVersion { version: 3, .. })
        ));
        assert!(matches!(
            Evolving::decode("EvolvingRenamed", 2, &[0xff, 0xff, 0xff]),
            Err(DecodeError::Payload { .. })
        ));
    }
}
