//! Success responses: 201 with `Location`, and `ETag` from `version`.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// 200 with the item and its `ETag`.
pub fn ok_versioned<T: Serialize>(item: &T, version: i64) -> Response {
    with_etag(json(StatusCode::OK, item), version)
}

/// 201 with the item, `Location` and `ETag`.
pub fn created<T: Serialize>(item: &T, location: &str, version: i64) -> Response {
    let mut response = json(StatusCode::CREATED, item);
    if let Ok(loc) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, loc);
    }
    with_etag(response, version)
}

/// A single item's room to start with: most tasks, features and
/// goals fit. axum's `Json` starts at 128 bytes and grows the buffer,
/// copying it, three or four times for a task (BENCHMARKS.md, session 24).
const ITEM_BYTES: usize = 1024;

/// `item` as a JSON body.
fn json<T: Serialize>(status: StatusCode, item: &T) -> Response {
    let mut body = Vec::with_capacity(ITEM_BYTES);
    match serde_json::to_writer(&mut body, item) {
        Ok(()) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            Body::from(body),
        )
            .into_response(),
        Err(err) => crate::error::ApiError::Internal(format!("cannot write the answer: {err}"))
            .into_response(),
    }
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
