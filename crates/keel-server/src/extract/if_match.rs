//! `If-Match: "<version>"` for optimistic concurrency.

use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

/// The version the client last saw, if it sent one.
pub struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let text = value.to_str().unwrap_or("").trim();
        if text == "*" {
            return Ok(IfMatch(None));
        }
        let text = text.strip_prefix("W/").unwrap_or(text);
        // `"3"` as sent in ETag, or a bare `3`; an unbalanced quote is garbage.
        let version = match text.strip_prefix('"') {
            Some(quoted) => quoted.strip_suffix('"'),
            None => Some(text),
        };
        version
            .and_then(|v| v.parse::<i64>().ok())
            .map(|v| IfMatch(Some(v)))
            .ok_or_else(|| {
                ApiError::field(
                    "If-Match",
                    "must be an ETag returned by the server, e.g. \"3\"",
                )
            })
    }
}
