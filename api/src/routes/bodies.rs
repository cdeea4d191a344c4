//! The request and response bodies staff and portal routes share, and the
//! readers of the values inside bodies: instants, currencies, optional fields.

use crate::app::AppState;
use crate::http::{ApiError, Json, SendsCommands};
use cma_domain::ids::{AppointmentId, FileId, MessageId};
use cma_domain::money;
use cma_domain::{Aggregate, Timestamp};
use cma_projections::queries::files::{FileEntry, FileList};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// An RFC 3339 instant from a request (`2026-03-30T09:00:00+01:00`).
pub fn instant(field: &str, text: &str) -> Result<Timestamp, ApiError> {
    Timestamp::parse_rfc3339(text)
        .ok_or_else(|| ApiError::bad_request(format!("{field} must be an RFC 3339 instant")))
}

/// An ISO 4217 currency; an unknown code breaks a rule (422).
pub fn currency(code: &str) -> Result<money::Currency, ApiError> {
    money::Currency::from_code(code).ok_or_else(|| {
        ApiError::new(
            crate::http::problem_types::UNKNOWN_CURRENCY,
            format!("{code:?} is not an ISO 4217 currency code"),
        )
    })
}

/// For a field that may be absent (keep), `null` (clear) or a value (set).
pub fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A whole number as JSON Schema's `integer` reads it: `3` and `3.0` alike
/// (a fraction or a value out of range is refused).
pub fn whole<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    n.as_u64()
        .or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        })
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| {
            serde::de::Error::custom(format!("{n} is not a whole number from 0 to {}", u32::MAX))
        })
}

/// [`whole`] for a field that may be left out.
pub fn whole_or_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    #[derive(Deserialize)]
    struct Whole(#[serde(deserialize_with = "whole")] u32);
    Option::<Whole>::deserialize(d).map(|w| w.map(|Whole(v)| v))
}

/// The answer of a command that creates nothing new: where its events landed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Positioned {
    /// Global event-log position of the command's last event.
    pub position: u64,
}

impl Positioned {
    /// The answer of a command whose last event is at `position`.
    pub fn at(position: u64) -> Json<Self> {
        Json(Self { position })
    }
}

/// Runs `command` on `A`'s stream `id` for `caller`, answering where its
/// events landed.
pub async fn positioned<A: Aggregate>(
    state: &AppState,
    caller: &impl SendsCommands,
    id: Uuid,
    command: A::Command,
) -> Result<Json<Positioned>, ApiError>
where
    A::Command: Clone,
{
    let ctx = caller.context(state);
    let executed = state.service.execute::<A>(id, &ctx, command).await?;
    Ok(Positioned::at(executed.position))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CommentBody {
    pub text: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MessageBody {
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageCreated {
    #[schema(value_type = uuid::Uuid)]
    pub message_id: MessageId,
    /// Global event-log position of the command's last event.
    pub position: u64,
}

/// Marks the thread read up to `up_to`, or up to its latest message.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ReadMarker {
    #[serde(default)]
    #[schema(value_type = Option<uuid::Uuid>)]
    pub up_to: Option<MessageId>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FileCreated {
    #[schema(value_type = uuid::Uuid)]
    pub file_id: FileId,
    /// Global event-log position of the command's last event.
    pub position: u64,
}

/// A client's files, and what an upload may be, so a page can say so
/// before the upload.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileListing {
    /// Oldest first.
    pub files: Vec<FileEntry>,
    /// The largest upload accepted, in bytes (`CMA_MAX_UPLOAD_BYTES`); larger is 413.
    pub max_bytes: u64,
    /// The MIME types accepted, as sniffed from the content (never the
    /// name or the declared type); others are 415.
    #[schema(example = json!(["image/png", "application/pdf"]))]
    pub accepted_types: Vec<&'static str>,
}

impl FileListing {
    /// `list` with the limits uploads to the client's record are checked against.
    pub fn new(state: &AppState, list: FileList) -> Self {
        let accepts = state.files.files();
        Self {
            files: list.files,
            max_bytes: accepts.max_bytes,
            accepted_types: accepts.content_types.to_vec(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentCreated {
    #[schema(value_type = uuid::Uuid)]
    pub appointment_id: AppointmentId,
    /// Global event-log position of the command's last event.
    pub position: u64,
}
