//! `ApiError`: every failure a handler can return, rendered as RFC 9457
//! problem details. Store constraint names map to the field they guard;
//! internal errors get a generic body and are logged once with the cause.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use keel_api_types::{FieldErrorBody, Problem};
use keel_domain::{FieldError, ValidationErrors};
use keel_store::StoreError;

#[derive(Debug)]
pub enum ApiError {
    /// The body is not JSON at all, or not UTF-8.
    MalformedBody(String),
    /// One or more fields are invalid.
    Validation(Vec<FieldError>),
    Unauthorized(&'static str),
    Forbidden(&'static str),
    NotFound(&'static str),
    Conflict {
        field: String,
        message: String,
    },
    /// `If-Match` named a version that is no longer current.
    PreconditionFailed,
    PayloadTooLarge,
    UnsupportedMediaType,
    /// The path exists but not with this method.
    MethodNotAllowed,
    RateLimited,
    /// Too many failed sign-ins for the account or the address; answered
    /// with `Retry-After`.
    TooManyLoginFailures {
        retry_after_secs: u64,
    },
    Unavailable,
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str, String) {
        use ApiError::*;
        match self {
            MalformedBody(d) => (
                StatusCode::BAD_REQUEST,
                "malformed-body",
                "Malformed request body",
                d.clone(),
            ),
            Validation(errs) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "Invalid request",
                errs.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Unauthorized(d) => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Authentication required",
                (*d).into(),
            ),
            Forbidden(d) => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Not allowed",
                (*d).into(),
            ),
            NotFound(d) => (StatusCode::NOT_FOUND, "not-found", "Not found", (*d).into()),
            Conflict { field, message } => (
                StatusCode::CONFLICT,
                "conflict",
                "Conflict",
                format!("{field}: {message}"),
            ),
            PreconditionFailed => (
                StatusCode::PRECONDITION_FAILED,
                "stale-version",
                "Version mismatch",
                "the item was changed since the version given in If-Match; nothing was changed"
                    .into(),
            ),
            PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "Request body too large",
                "the request body exceeds 1 MiB".into(),
            ),
            UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                "send the body as JSON with Content-Type: application/json".into(),
            ),
            MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
                "this path does not support this method; see /api/v1/openapi.json".into(),
            ),
            RateLimited => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "Too many requests",
                "slow down and retry later".into(),
            ),
            TooManyLoginFailures { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "Too many requests",
                format!(
                    "too many failed sign-ins for this account or from this address; \
                     try again in {retry_after_secs} seconds"
                ),
            ),
            Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Service unavailable",
                "the database is not answering; retry shortly".into(),
            ),
            Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                "an unexpected error occurred; it has been logged".into(),
            ),
        }
    }

    pub fn to_problem(&self) -> Problem {
        let (status, kind, title, detail) = self.parts();
        let errors = match self {
            ApiError::Validation(errs) => errs
                .iter()
                .map(|e| FieldErrorBody {
                    field: e.field.clone(),
                    message: e.message.clone(),
                })
                .collect(),
            ApiError::Conflict { field, message } => {
                vec![FieldErrorBody {
                    field: field.clone(),
                    message: message.clone(),
                }]
            }
            _ => Vec::new(),
        };
        Problem {
            problem_type: format!("/problems/{kind}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail,
            errors,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(%cause, "internal error");
        }
        let problem = self.to_problem();
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let ApiError::TooManyLoginFailures { retry_after_secs } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::Validation(vec![e])
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(e: ValidationErrors) -> Self {
        ApiError::Validation(e.0)
    }
}

/// Unique constraints, by the name sqlx reports on either backend, and the
/// request field each one guards.
fn constraint_field(name: &str) -> (&'static str, &'static str) {
    let n = name.to_ascii_lowercase();
    if n.contains("feedback_links") {
        return ("feature", "this feedback is already linked to this feature");
    }
    if n.contains("idea_links") {
        return ("feedback", "this feedback is already linked to this idea");
    }
    if n.contains("journey_opportunity_links") {
        return (
            "linked_id",
            "this stage's opportunities are already linked to it",
        );
    }
    if n.contains("saved_views") {
        return (
            "name",
            "you already have a view with this name for this product",
        );
    }
    // Customer insight: unique expression indexes, named in the message on
    // SQLite and as the constraint on PostgreSQL.
    if n.contains("companies_workspace_name") {
        return (
            "name",
            "a company with this name already exists in the workspace",
        );
    }
    if n.contains("personas_workspace_name") {
        return (
            "name",
            "a persona with this name already exists in the workspace",
        );
    }
    if n.contains("competitors_workspace_name") {
        return (
            "name",
            "a competitor with this name already exists in the workspace",
        );
    }
    if n.contains("customers_workspace_email") {
        return (
            "email",
            "a customer with this email already exists in the workspace",
        );
    }
    if n.contains("users") && n.contains("email") || n == "users_email_key" {
        ("email", "an account with this email already exists")
    } else if n.contains("workspaces") && n.contains("slug") {
        ("slug", "a workspace with this slug already exists")
    } else if n.contains("products") {
        (
            "key",
            "a product with this key already exists in the workspace",
        )
    } else if n.contains("teams") {
        (
            "key",
            "a team with this key already exists in the workspace",
        )
    } else if n.contains("memberships") {
        ("email", "this person is already a member of the workspace")
    } else {
        ("body", "conflicts with an existing item")
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound("no such item"),
            StoreError::Stale => ApiError::PreconditionFailed,
            StoreError::Conflict(name) => {
                let (field, message) = constraint_field(&name);
                ApiError::Conflict {
                    field: field.into(),
                    message: message.into(),
                }
            }
            StoreError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                ApiError::Unavailable
            }
            StoreError::Other(cause) => ApiError::Internal(cause),
        }
    }
}
