//! Every event the log can hold: one variant per stream, each wrapping that
//! stream's own event enum. Encoding, names and versions are the stream's;
//! decoding asks each stream in turn and moves on when a type is not its own.

use crate::aggregate::Aggregate;
use crate::client::{Client, ClientEvent};
use crate::codec::{DecodeError, EventCodec};
use crate::conversation::{Conversation, ConversationEvent};
use crate::credentials::{Credentials, CredentialsEvent};
use crate::diary::{Diary, DiaryEvent};
use crate::file::{FileEvent, StoredFile};
use crate::invoice::{Invoice, InvoiceEvent};
use crate::invoice_numbers::{InvoiceNumbers, InvoiceNumbersEvent};
use crate::quote::{Quote, QuoteEvent};
use crate::team::{Team, TeamEvent};
use std::sync::LazyLock;

macro_rules! streams {
    ($( $(#[$meta:meta])* $variant:ident($event:ty, $aggregate:ty, $module:ident) ),+ $(,)?) => {
        /// Any event of any stream.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Event {
            $( $(#[$meta])* $variant($event), )+
        }

        /// The stream categories, in declaration order.
        pub const CATEGORIES: &[&str] = &[ $( <$aggregate as Aggregate>::CATEGORY, )+ ];

        impl Event {
            /// The category of the stream this event belongs to (`quote`, `client`, ...).
            pub fn category(&self) -> &'static str {
                match self { $( Self::$variant(_) => <$aggregate as Aggregate>::CATEGORY, )+ }
            }
        }

        $( impl From<$event> for Event {
            fn from(e: $event) -> Self { Self::$variant(e) }
        } )+

        impl EventCodec for Event {
            fn event_type(&self) -> &'static str {
                match self { $( Self::$variant(e) => e.event_type(), )+ }
            }

            fn schema_version(&self) -> u16 {
                match self { $( Self::$variant(e) => e.schema_version(), )+ }
            }

            fn encode(&self) -> Vec<u8> {
                match self { $( Self::$variant(e) => e.encode(), )+ }
            }

            fn decode(event_type: &str, version: u16, payload: &[u8]) -> Result<Self, DecodeError> {
                $( match <$event>::decode(event_type, version, payload) {
                    Err(DecodeError::UnknownType(_)) => {}
                    other => return other.map(Self::$variant),
                } )+
                Err(DecodeError::UnknownType(event_type.to_owned()))
            }

            fn known_versions() -> &'static [(&'static str, u16)] {
                static ALL: LazyLock<Vec<(&'static str, u16)>> = LazyLock::new(|| {
                    let mut all = Vec::new();
                    $( all.extend_from_slice(<$event>::known_versions()); )+
                    all
                });
                &ALL
            }
        }

        /// One sample of every current event of every stream.
        #[cfg(any(test, feature = "samples"))]
        pub fn samples() -> Vec<Event> {
            let mut all = Vec::new();
            $( all.extend(crate::$module::samples::events().into_iter().map(Event::$variant)); )+
            all
        }
    };
}

streams! {
    Team(TeamEvent, Team, team),
    Client(ClientEvent, Client, client),
    Credentials(CredentialsEvent, Credentials, credentials),
    Quote(QuoteEvent, Quote, quote),
    Invoice(InvoiceEvent, Invoice, invoice),
    InvoiceNumbers(InvoiceNumbersEvent, InvoiceNumbers, invoice_numbers),
    File(FileEvent, StoredFile, file),
    Conversation(ConversationEvent, Conversation, conversation),
    Diary(DiaryEvent, Diary, diary),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_sample_round_trips_through_the_global_codec() {
        for sample in samples() {
            let bytes = sample.encode();
            let back = Event::decode(sample.event_type(), sample.schema_version(), &bytes);
            assert_eq!(back.as_ref(), Ok(&sample), "{}", sample.event_type());
        }
    }

    #[test]
    fn type_names_are_unique_across_streams() {
        let all = Event::known_versions();
        let unique: BTreeSet<_> = all.iter().collect();
        assert_eq!(unique.len(), all.len());
    }

    #[test]
    fn samples_cover_every_current_type() {
        let sampled: BTreeSet<&str> = samples().iter().map(|e| e.event_type()).collect();
        let known: BTreeSet<&str> = Event::known_versions().iter().map(|(t, _)| *t).collect();
        assert_eq!(sampled, known);
    }

    #[test]
    fn an_unknown_type_is_reported_as_such() {
        assert_eq!(
            Event::decode("NoSuchEvent", 1, &[]),
            Err(DecodeError::UnknownType("NoSuchEvent".to_owned()))
        );
        assert!(matches!(
            Event::decode("QuoteSent", 9, &[]),
            Err(DecodeError::UnknownVersion { .. })
        ));
    }

    #[test]
    fn each_event_names_its_stream_category() {
        let categories: BTreeSet<&str> = samples().iter().map(|e| e.category()).collect();
        assert_eq!(categories, CATEGORIES.iter().copied().collect());
    }
}
