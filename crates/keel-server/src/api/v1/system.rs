//! Health check and the OpenAPI document.

use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use keel_api_types::Health;

/// Liveness: answers without touching the database, so it is also the
/// baseline in benchmarks.
#[utoipa::path(get, path = "/healthz", tag = "system",
    responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// The OpenAPI 3.1 description of every route.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "system",
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json")))]
pub async fn openapi_json(State(app): State<AppState>) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        app.openapi_json(),
    )
        .into_response()
}
