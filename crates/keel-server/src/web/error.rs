//! Errors on pages: a readable HTML page, or a redirect to sign in.

use crate::error::ApiError;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

#[derive(Debug)]
pub enum PageError {
    /// Not signed in: go to the login page, then come back.
    SignIn {
        next: String,
    },
    Status(StatusCode, String),
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    detail: &'a str,
    asset_version: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn { next } => {
                let target = if next.starts_with('/') && !next.starts_with("//") {
                    format!(
                        "/login?next={}",
                        form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                    )
                } else {
                    "/login".to_string()
                };
                Redirect::to(&target).into_response()
            }
            PageError::Status(status, detail) => {
                let page = ErrorPage {
                    status: status.as_u16(),
                    title: status.canonical_reason().unwrap_or("Error"),
                    detail: &detail,
                    asset_version: super::assets::version(),
                };
                let body = page.render().unwrap_or_else(|_| detail.clone());
                (status, Html(body)).into_response()
            }
        }
    }
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        let problem = e.to_problem();
        if let ApiError::Internal(cause) = &e {
            tracing::error!(%cause, "internal error on a page");
        }
        PageError::Status(
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            problem.detail,
        )
    }
}

impl From<keel_store::StoreError> for PageError {
    fn from(e: keel_store::StoreError) -> Self {
        ApiError::from(e).into()
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        ApiError::Internal(e.to_string()).into()
    }
}

pub fn not_found(what: &str) -> PageError {
    PageError::Status(
        StatusCode::NOT_FOUND,
        format!("No such {what}, or you are not a member of its workspace."),
    )
}

/// Renders a template as a 200 page.
pub fn page<T: Template>(t: &T) -> Result<Response, PageError> {
    Ok(Html(t.render()?).into_response())
}
