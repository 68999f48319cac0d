//! JSON bodies and query strings whose errors name the offending field.
//!
//! axum's own extractors answer with plain-text rejections; these answer
//! with problem+json and `errors[].field`, so a client can point at the
//! exact input to fix.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

/// A JSON request body of type `T`.
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                let mime = ct
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::MalformedBody(rejection.body_text())
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

/// Deserialises JSON, turning serde's error into a field-naming one.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if std::str::from_utf8(bytes).is_err() {
        return Err(ApiError::MalformedBody(
            "the body is not valid UTF-8".into(),
        ));
    }
    // JSON can only carry NUL as `\u0000`; PostgreSQL cannot store it and
    // no field needs it, so refuse it here, naming the field.
    if bytes.windows(6).any(|w| w == b"\\u0000")
        && let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes)
        && let Some(path) = nul_path(&v, "")
    {
        let field = if path.is_empty() {
            "body".to_string()
        } else {
            path
        };
        return Err(ApiError::field(&field, "must not contain NUL characters"));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let message = inner.to_string();
                let message = strip_position(&message);
                ApiError::Validation(vec![keel_domain::FieldError::new(
                    field_name(&path, message),
                    message.to_string(),
                )])
            }
            // Valid JSON, but a number no field can hold (e.g. 1e309).
            _ if inner.to_string().starts_with("number out of range") && path != "." => {
                ApiError::field(&path, "number out of range")
            }
            _ => ApiError::MalformedBody(format!("the body is not valid JSON: {inner}")),
        }
    })?;
    de.end()
        .map_err(|e| ApiError::MalformedBody(format!("the body is not valid JSON: {e}")))?;
    Ok(value)
}

/// The path of the first key or string in `v` holding a NUL character.
fn nul_path(v: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::String(s) => s.contains('\0').then(|| path.to_string()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| nul_path(x, &format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, x)| {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            if k.contains('\0') {
                Some(p)
            } else {
                nul_path(x, &p)
            }
        }),
        _ => None,
    }
}

/// serde_json appends " at line L column C", which means nothing to someone
/// reading a field error.
fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    }
}

/// The field an error is about. serde_path_to_error's path already ends
/// with an unknown key; a missing field is only named in the message.
fn field_name(path: &str, message: &str) -> String {
    if let Some(rest) = message.strip_prefix("missing field `")
        && let Some(end) = rest.find('`')
    {
        return rest[..end].to_string();
    }
    if path == "." || path.is_empty() {
        "body".to_string()
    } else {
        path.to_string()
    }
}

/// A query string of type `T`.
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        // PostgreSQL cannot store or compare text with NUL in it.
        if let Some((name, _)) =
            form_urlencoded_parse(query).find(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(ApiError::field(&name, "must not contain NUL characters"));
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(query));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|err| {
                let path = err.path().to_string();
                let message = err.into_inner().to_string();
                ApiError::Validation(vec![keel_domain::FieldError::new(
                    field_name(&path, &message),
                    message,
                )])
            })
    }
}

fn form_urlencoded_parse(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        title: String,
        estimate: Option<f64>,
    }

    fn field_of(json: &str) -> String {
        match parse_json::<Body>(json.as_bytes()) {
            Err(ApiError::Validation(errs)) => errs[0].field.clone(),
            other => panic!("expected a validation error, got {:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(field_of(r#"{"title": 5}"#), "title");
        assert_eq!(field_of(r#"{"title": "x", "estimate": "big"}"#), "estimate");
        assert_eq!(field_of(r#"{"title": "x", "colour": "red"}"#), "colour");
        assert_eq!(field_of(r#"{}"#), "title");
    }

    #[test]
    fn malformed_json_is_a_400() {
        assert!(matches!(
            parse_json::<Body>(b"{\"title\": "),
            Err(ApiError::MalformedBody(_))
        ));
        assert!(matches!(
            parse_json::<Body>(b"\xff\xfe"),
            Err(ApiError::MalformedBody(_))
        ));
        assert!(matches!(
            parse_json::<Body>(b"{\"title\":\"a\"} trailing"),
            Err(ApiError::MalformedBody(_))
        ));
    }
}
