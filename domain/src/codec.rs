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
