//! Success responses: 201 with `Location`, and `ETag` from `version`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// 200 with the item and its `ETag`.
pub fn ok_versioned<T: Serialize>(item: &T, version: i64) -> Response {
    with_etag(Json(item).into_response(), version)
}

/// 201 with the item, `Location` and `ETag`.
pub fn created<T: Serialize>(item: &T, location: &str, version: i64) -> Response {
    let mut response = (StatusCode::CREATED, Json(item)).into_response();
    if let Ok(loc) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, loc);
    }
    with_etag(response, version)
}

fn with_etag(mut response: Response, version: i64) -> Response {
    if let Ok(tag) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}

/// 204.
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}
