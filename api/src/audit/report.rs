//! A quote's stream replayed for an auditor: every event with its hashes,
//! the chain checked, and the acceptance's recorded hashes recomputed.

use base64::Engine;
use cma_domain::Aggregate;
use cma_domain::ids::{LineId, QuoteId, TeamId};
use cma_domain::money::Totals;
use cma_domain::quote::{Quote, QuoteAccepted, QuoteEvent};
use cma_domain::sha256::{digests_equal, sha256_hex};
use cma_store::chain::ChainVerifier;
use cma_store::{EventStore, Position, Recorded, Service, StoreError, Version};
use serde::Serialize;
use utoipa::ToSchema;

/// The audit of one quote, as `GET /api/v1/audit/quotes/{id}` answers it.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteAudit {
    #[schema(value_type = uuid::Uuid)]
    pub quote_id: QuoteId,
    /// Every event of the stream links to its predecessor and matches its hash.
    pub chain_valid: bool,
    /// The first broken link, when the chain is not valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken_link: Option<String>,
    pub events: Vec<AuditEvent>,
    /// Absent until the quote is accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<AcceptanceAudit>,
    #[serde(skip)]
    pub team: TeamId,
    /// The quote as it stood when it was accepted, and the acceptance.
    #[serde(skip)]
    pub accepted: Option<(Quote, QuoteAccepted)>,
}

/// One event of the stream as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    #[schema(value_type = u64)]
    pub position: Position,
    #[schema(value_type = u64)]
    pub stream_version: Version,
    #[serde(rename = "type")]
    pub event_type: String,
    pub schema_version: u16,
    /// RFC 3339, UTC.
    #[schema(format = DateTime)]
    pub recorded_at: String,
    /// `staff:{id}`, `client:{id}` or `system`.
    pub actor: String,
    /// Left out when not recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// Left out when not recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// The decoded payload (`null` when it cannot be decoded); binary
    /// fields in base64.
    #[schema(value_type = Option<Object>, required = true)]
    pub data: serde_json::Value,
    /// Lower-case hex SHA-256.
    pub hash: String,
    pub prev_hash: String,
}

/// The acceptance evidence, with each recorded hash recomputed.
#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptanceAudit {
    pub name: String,
    /// RFC 3339, UTC.
    #[schema(format = DateTime)]
    pub accepted_at: String,
    pub ip: String,
    pub user_agent: String,
    #[schema(value_type = uuid::Uuid)]
    pub session: cma_domain::ids::SessionId,
    pub revision: u32,
    pub currency: String,
    pub signature_sha256: String,
    /// SHA-256 of the recorded signature image.
    pub signature_sha256_recomputed: String,
    pub signature_matches: bool,
    pub content_sha256: String,
    /// SHA-256 of the accepted content, from the events before the acceptance.
    pub content_sha256_recomputed: String,
    pub content_matches: bool,
    #[schema(value_type = Vec<uuid::Uuid>)]
    pub selected_lines: Vec<LineId>,
    pub totals: Totals,
    /// The portal login email the client was signed in with; left out when
    /// not recorded (acceptances recorded before it was).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_email: Option<String>,
    /// The event id of the invite whose link created the credentials in
    /// use; left out when not recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_invite: Option<uuid::Uuid>,
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("no quote {0}")]
    NotFound(QuoteId),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The team's or client's stream, or the invites used, could not be read.
    #[error("cannot read what the certificate names: {0}")]
    Load(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl QuoteAudit {
    /// Reads and replays the quote's stream.
    pub async fn load(store: &dyn EventStore, quote: QuoteId) -> Result<Self, AuditError> {
        let recorded = store
            .read_stream(&Service::stream::<Quote>(quote.0))
            .await?;
        if recorded.is_empty() {
            return Err(AuditError::NotFound(quote));
        }
        Ok(Self::replay(quote, &recorded))
    }

    /// The audit of these recorded events of one quote stream.
    pub fn replay(quote_id: QuoteId, recorded: &[Recorded]) -> Self {
        let mut chain = ChainVerifier::new();
        let mut broken_link = None;
        let mut state = Quote::default();
        let mut accepted = None;
        let mut events = Vec::with_capacity(recorded.len());
        for r in recorded {
            if broken_link.is_none()
                && let Err(link) = chain.check(r)
            {
                broken_link = Some(link.to_string());
            }
            let decoded = r.decode::<QuoteEvent>().ok();
            events.push(audit_event(r, decoded.as_ref()));
            if let Some(event) = decoded {
                if let QuoteEvent::Accepted(a) = &event {
                    accepted = Some((state.clone(), a.clone()));
                }
                state = state.evolve(&event);
            }
        }
        Self {
            quote_id,
            chain_valid: broken_link.is_none(),
            broken_link,
            events,
            acceptance: accepted.as_ref().map(|(before, a)| acceptance(before, a)),
            team: state.team,
            accepted,
        }
    }

    /// Everything checks out: the chain, and the acceptance's hashes if accepted.
    pub fn verified(&self) -> bool {
        self.chain_valid
            && self
                .acceptance
                .as_ref()
                .is_none_or(|a| a.content_matches && a.signature_matches)
    }
}

fn audit_event(r: &Recorded, decoded: Option<&QuoteEvent>) -> AuditEvent {
    let e = &r.event;
    AuditEvent {
        position: r.position,
        stream_version: r.version,
        event_type: e.event_type.clone(),
        schema_version: e.schema_version,
        recorded_at: e.recorded_at.to_string(),
        actor: match e.actor.id() {
            Some(id) => format!("{}:{id}", e.actor.kind()),
            None => e.actor.kind().to_owned(),
        },
        ip: e.metadata.ip.clone(),
        user_agent: e.metadata.user_agent.clone(),
        data: decoded.map_or(serde_json::Value::Null, data),
        hash: hex::encode(r.hash),
        prev_hash: hex::encode(r.prev_hash),
    }
}

/// The payload as JSON, without the enum tag; the signature image in base64.
fn data(event: &QuoteEvent) -> serde_json::Value {
    let mut value = match serde_json::to_value(event) {
        Ok(serde_json::Value::Object(tagged)) => tagged
            .into_iter()
            .next()
            .map_or(serde_json::Value::Null, |(_, payload)| payload),
        _ => serde_json::Value::Null,
    };
    if let (QuoteEvent::Accepted(a), Some(fields)) = (event, value.as_object_mut()) {
        fields.insert(
            "signature_png".to_owned(),
            base64::engine::general_purpose::STANDARD
                .encode(&a.signature_png)
                .into(),
        );
    }
    value
}

fn acceptance(before: &Quote, a: &QuoteAccepted) -> AcceptanceAudit {
    let content = before.content().sha256();
    let signature = sha256_hex(&a.signature_png);
    AcceptanceAudit {
        name: a.name.clone(),
        accepted_at: a.at.to_string(),
        ip: a.ip.clone(),
        user_agent: a.user_agent.clone(),
        session: a.session,
        revision: a.revision,
        currency: a.currency.code().to_owned(),
        signature_matches: digests_equal(&signature, &a.signature_sha256),
        signature_sha256: a.signature_sha256.clone(),
        signature_sha256_recomputed: signature,
        content_matches: digests_equal(&content, &a.content_sha256),
        content_sha256: a.content_sha256.clone(),
        content_sha256_recomputed: content,
        selected_lines: a.selected_lines.clone(),
        totals: a.totals,
        login_email: a.login_email.clone(),
        login_invite: a.login_invite,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cma_domain::EventCodec;
    use cma_domain::quote::{QuoteAcceptedV1, samples};
    use cma_store::chain::{GENESIS, hash_event};
    use cma_store::{Actor, Metadata, NewEvent};

    /// Drafted, sent and accepted, with the acceptance's content hash taken from `content`.
    fn events(content: Option<&str>) -> Vec<QuoteEvent> {
        let all = samples::events();
        let mut chosen: Vec<QuoteEvent> = all
            .into_iter()
            .filter(|e| {
                matches!(
                    e,
                    QuoteEvent::Drafted(_) | QuoteEvent::Sent(_) | QuoteEvent::Accepted(_)
                )
            })
            .collect();
        let before = Quote::replay(&chosen[..2]);
        if let Some(QuoteEvent::Accepted(a)) = chosen.last_mut() {
            a.content_sha256 = content.map_or_else(|| before.content().sha256(), str::to_owned);
        }
        chosen
    }

    /// The events as a correctly chained stream.
    fn recorded(quote: QuoteId, events: &[QuoteEvent]) -> Vec<Recorded> {
        let stored = events
            .iter()
            .map(|e| (e.event_type(), e.schema_version(), e.encode()))
            .collect();
        chained(quote, stored)
    }

    /// Stored payloads (type, schema version, bytes) as a correctly chained stream.
    fn chained(quote: QuoteId, stored: Vec<(&str, u16, Vec<u8>)>) -> Vec<Recorded> {
        let stream = Service::stream::<Quote>(quote.0);
        let mut prev = GENESIS;
        let mut out = Vec::new();
        for (n, (event_type, schema_version, payload)) in (1u64..).zip(stored) {
            let event = NewEvent {
                event_id: uuid::Uuid::new_v4(),
                event_type: event_type.to_owned(),
                schema_version,
                recorded_at: cma_domain::Timestamp::UNIX_EPOCH,
                actor: Actor::System,
                metadata: Metadata::default(),
                payload,
            };
            let hash = hash_event(&prev, &stream, n, &event);
            out.push(Recorded {
                position: n,
                stream: stream.clone(),
                version: n,
                event,
                prev_hash: prev,
                hash,
            });
            prev = hash;
        }
        out
    }

    fn quote_id(events: &[QuoteEvent]) -> QuoteId {
        match events.first() {
            Some(QuoteEvent::Drafted(d)) => d.quote,
            _ => QuoteId::default(),
        }
    }

    #[test]
    fn an_honest_acceptance_verifies() {
        let events = events(None);
        let quote = quote_id(&events);
        let audit = QuoteAudit::replay(quote, &recorded(quote, &events));
        assert!(audit.chain_valid && audit.verified(), "{audit:?}");
        let a = audit.acceptance.as_ref().expect("acceptance");
        assert_eq!(a.content_sha256, a.content_sha256_recomputed);
        assert_eq!(
            audit
                .events
                .iter()
                .map(|e| e.event_type.as_str())
                .collect::<Vec<_>>(),
            ["QuoteDrafted", "QuoteSent", "QuoteAccepted"]
        );
        assert!(audit.events[2].data["signature_png"].is_string());
    }

    #[test]
    fn an_acceptance_hash_that_does_not_match_the_replayed_content_is_reported() {
        let forged = "0".repeat(64);
        let events = events(Some(&forged));
        let quote = quote_id(&events);
        let audit = QuoteAudit::replay(quote, &recorded(quote, &events));
        assert!(audit.chain_valid);
        let a = audit.acceptance.as_ref().expect("acceptance");
        assert!(!a.content_matches && a.signature_matches);
        assert_ne!(a.content_sha256_recomputed, forged);
        assert!(!audit.verified());
    }

    #[test]
    fn an_altered_byte_breaks_the_chain_at_that_event() {
        let events = events(None);
        let quote = quote_id(&events);
        let mut stream = recorded(quote, &events);
        if let Some(byte) = stream[1].event.payload.first_mut() {
            *byte ^= 1;
        }
        let audit = QuoteAudit::replay(quote, &stream);
        assert!(!audit.chain_valid && !audit.verified());
        let link = audit.broken_link.as_deref().unwrap_or_default();
        assert!(
            link.contains("content does not match its hash") && link.contains("version 2"),
            "{link}"
        );
    }

    /// The value of the certificate line labelled `label`.
    fn fact<'a>(text: &'a str, label: &str) -> &'a str {
        text.lines()
            .find_map(|line| line.strip_prefix(label))
            .map_or("", str::trim)
    }

    #[test]
    fn a_version_1_acceptance_verifies_as_before_with_its_login_not_recorded() {
        let events = events(None);
        let quote = quote_id(&events);
        let Some(QuoteEvent::Accepted(a)) = events.last().cloned() else {
            panic!("the last event is the acceptance");
        };
        let v1 = QuoteAcceptedV1 {
            by: a.by,
            name: a.name,
            signature_png: a.signature_png,
            signature_sha256: a.signature_sha256,
            ip: a.ip,
            user_agent: a.user_agent,
            session: a.session,
            revision: a.revision,
            currency: a.currency,
            selected_lines: a.selected_lines,
            totals: a.totals,
            content_sha256: a.content_sha256,
            at: a.at,
        };
        let mut stored: Vec<_> = events
            .iter()
            .map(|e| (e.event_type(), e.schema_version(), e.encode()))
            .collect();
        stored.pop();
        stored.push(("QuoteAccepted", 1, cma_domain::codec::encode_payload(&v1)));
        let audit = QuoteAudit::replay(quote, &chained(quote, stored));
        assert!(audit.verified(), "{audit:?}");
        assert_eq!(audit.events[2].schema_version, 1);
        let a = audit.acceptance.as_ref().expect("acceptance");
        assert!(a.content_matches && a.signature_matches);
        let json = serde_json::to_value(a).expect("json");
        assert!(json.get("login_email").is_none() && json.get("login_invite").is_none());
        let certificate = crate::audit::certificate::Certificate::of(&audit, "B", "C", "UTC")
            .expect("a certificate");
        let text = certificate.text();
        assert_eq!(fact(&text, "Login email"), "not recorded", "{text}");
        assert_eq!(fact(&text, "Login created by"), "not recorded", "{text}");
    }

    #[test]
    fn a_version_2_acceptance_shows_its_login_email_and_invite() {
        let events = events(None);
        let quote = quote_id(&events);
        let audit = QuoteAudit::replay(quote, &recorded(quote, &events));
        let json =
            serde_json::to_value(audit.acceptance.as_ref().expect("acceptance")).expect("json");
        assert_eq!(json["login_email"], "ada@example.com");
        let invite = uuid::Uuid::from_u128(0x7);
        assert_eq!(json["login_invite"], invite.to_string());
        let text = crate::audit::certificate::Certificate::of(&audit, "B", "C", "UTC")
            .expect("a certificate")
            .text();
        assert_eq!(fact(&text, "Login email"), "ada@example.com", "{text}");
        assert_eq!(
            fact(&text, "Login created by"),
            format!("invite {invite}"),
            "{text}"
        );
    }
}
