//! Settling a claim whose request died between appending its events and
//! storing its answer (docs/security.md, "Retried commands").

use super::{CRASHED_AFTER_SECONDS, Claim, record};
use crate::app::AppState;
use crate::http::ApiError;
use axum::http::StatusCode;
use cma_domain::Timestamp;
use cma_store::{DerivedIds, Position, Recorded};
use serde_json::json;

/// Most events of one request looked up when answering from the log.
const MAX_EVENTS: u64 = 1000;

const JSON: &str = "application/json";

/// What a retry finds under a key claimed at `claimed_at` (Unix
/// microseconds) and never answered. Within [`CRASHED_AFTER_SECONDS`] the
/// first request may still be running. After that it died: if its first
/// event is in the log, it landed, and its outcome is answered from the log
/// (and kept as the key's answer); if not, nothing of it landed (the events
/// of one append commit together) and the retry takes the claim over and
/// runs. Should the first request still append after all, its events carry
/// the same ids as the retry's, so only one of the two appends lands.
pub(super) async fn settle(
    state: &AppState,
    caller: &str,
    key: &str,
    ids: &DerivedIds,
    claimed_at: i64,
) -> Result<Claim, ApiError> {
    let now = state.clock.now();
    if now.as_micros().saturating_sub(claimed_at) < CRASHED_AFTER_SECONDS * 1_000_000 {
        return Ok(Claim::Running { claimed_at });
    }
    let since = Timestamp::from_micros(claimed_at).unwrap_or(Timestamp::UNIX_EPOCH);
    let store = state.service.store();
    let Some(first) = store.find_event(ids.id(0), since).await? else {
        let taken = state
            .records
            .execute(
                "UPDATE idempotency_keys SET created_at = $1 \
                 WHERE caller = $2 AND idem_key = $3 AND status IS NULL AND created_at = $4",
                vec![
                    now.as_micros().into(),
                    caller.into(),
                    key.into(),
                    claimed_at.into(),
                ],
            )
            .await?;
        // Another retry may have taken it over a moment ago.
        return Ok(if taken == 1 {
            Claim::Mine
        } else {
            Claim::Running { claimed_at }
        });
    };
    let mut position = first.position;
    for n in 1..MAX_EVENTS {
        match store.find_event(ids.id(n), since).await? {
            Some(event) => position = position.max(event.position),
            None => break,
        }
    }
    let (status, body) = answer(&first, position);
    let body = body.to_string();
    record(state, caller, key, status, Some(JSON), &body).await?;
    Ok(Claim::Answered {
        status: status.as_u16(),
        content_type: Some(JSON.to_owned()),
        body,
    })
}

/// The answer of a request whose first event is `first` and whose last
/// event is at `position`: 201 with the new stream's id as
/// `{category}_id` when that event started its stream (the command created
/// the resource), else 200; `position` for `X-Min-Position` either way.
fn answer(first: &Recorded, position: Position) -> (StatusCode, serde_json::Value) {
    let mut body = json!({ "position": position });
    if first.version != 1 {
        return (StatusCode::OK, body);
    }
    if let Some((category, id)) = first.stream.as_str().split_once('-') {
        body[format!("{category}_id")] = json!(id);
    }
    (StatusCode::CREATED, body)
}
