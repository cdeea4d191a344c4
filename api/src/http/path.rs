//! Path parameters. Every one in this API is an id (a UUID): a value that is
//! not one makes the request malformed (400, naming the parameter), not a
//! request for something that does not exist (404).

use crate::http::ApiError;
use axum::extract::FromRequestParts;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// The route's path parameters, e.g. `Path<QuoteId>` or `Path<(QuoteId, LineId)>`.
#[derive(Debug, Clone, Copy)]
pub struct Path<T>(pub T);

impl<S, T> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => Err(refusal(&rejection)),
        }
    }
}

fn refusal(rejection: &PathRejection) -> ApiError {
    let PathRejection::FailedToDeserializePathParams(failed) = rejection else {
        return ApiError::internal(rejection.body_text());
    };
    match failed.kind() {
        ErrorKind::DeserializeError { key, value, .. }
        | ErrorKind::ParseErrorAtKey { key, value, .. } => malformed(key, Some(value)),
        ErrorKind::InvalidUtf8InPathParam { key } => malformed(key, None),
        ErrorKind::WrongNumberOfParameters { .. } | ErrorKind::UnsupportedType { .. } => {
            ApiError::internal(failed.body_text())
        }
        _ => ApiError::new(crate::http::problem_types::MALFORMED_ID, failed.body_text()),
    }
}

fn malformed(parameter: &str, value: Option<&String>) -> ApiError {
    let detail = match value {
        Some(value) => format!("path parameter `{parameter}` must be a UUID, not {value:?}"),
        None => format!("path parameter `{parameter}` must be a UUID"),
    };
    ApiError::new(crate::http::problem_types::MALFORMED_ID, detail)
}
