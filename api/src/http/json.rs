//! JSON bodies in and out. Requests without `Content-Type: application/json`
//! answer 415; malformed JSON, wrong types and missing fields answer 400;
//! bodies over the limit 413 — every one as problem+json.

use crate::http::ApiError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A JSON request body or response.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(refusal(&rejection)),
        }
    }
}

/// A read model's answer as the response body; 404 when it has none for
/// the caller (not found, or outside the caller's scope).
pub fn found<T>(answer: Option<T>) -> Result<Json<T>, ApiError> {
    answer.map(Json).ok_or_else(ApiError::not_found)
}

fn refusal(rejection: &JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            crate::http::problem_types::UNSUPPORTED_MEDIA_TYPE,
            "send the body as JSON with `Content-Type: application/json`",
        ),
        JsonRejection::JsonDataError(e) => ApiError::bad_request(data_error(&e.body_text())),
        JsonRejection::JsonSyntaxError(e) => ApiError::bad_request(e.body_text()),
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(
                crate::http::problem_types::TOO_LARGE,
                "the request body is too large",
            )
        }
        other => ApiError::bad_request(other.body_text()),
    }
}

/// What a well-formed body of the wrong shape gets wrong, naming the field:
/// `lines[0].quantity: ...`. A decimal sent as a JSON number says the form
/// expected (a string such as `"1.50"`).
fn data_error(text: &str) -> String {
    let text = text
        .strip_prefix("Failed to deserialize the JSON body into the target type: ")
        .unwrap_or(text);
    // serde_json appends where in the text it stopped; the field says more.
    let text = match text.rfind(" at line ") {
        Some(at) if text[at..].contains(" column ") => &text[..at],
        _ => text,
    };
    let (field, message) = match text.split_once(": ") {
        Some((field, message)) if !field.contains(' ') => (Some(field), message),
        _ => (None, text),
    };
    if message.contains("expected a Decimal") {
        let got = message
            .strip_prefix("invalid type: ")
            .and_then(|m| m.split(", expected").next())
            .unwrap_or("something else");
        let field = field.unwrap_or("a decimal field");
        return format!(
            "`{field}` must be a decimal number written as a JSON string, e.g. \"1.50\" \
             (got {got})"
        );
    }
    match field {
        Some(field) if field != "." => format!("`{field}`: {message}"),
        _ => message.to_owned(),
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::data_error;

    #[test]
    fn a_decimal_sent_as_a_number_names_the_field_and_the_form() {
        let axum = "Failed to deserialize the JSON body into the target type: lines[0].quantity: \
            invalid type: integer `1`, expected a Decimal type representing a fixed-point number \
            at line 1 column 40";
        assert_eq!(
            data_error(axum),
            "`lines[0].quantity` must be a decimal number written as a JSON string, \
             e.g. \"1.50\" (got integer `1`)"
        );
        let missing = "Failed to deserialize the JSON body into the target type: \
            missing field `name` at line 1 column 2";
        assert_eq!(data_error(missing), "missing field `name`");
    }
}
