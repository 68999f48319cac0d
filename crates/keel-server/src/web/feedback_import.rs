//! `/w/{ws}/p/{product}/feedback/import`: feedback from a CSV file into a
//! product's inbox, reached from the inbox.
//!
//! The page is a frame; `feedback_import.js` does the work through the
//! import API (`POST /api/v1/workspaces/{ws}/feedback/import`): it reads
//! the file's header row in the browser, offers a field per column, runs a
//! dry run on "Check", and uploads for real with a progress bar. The file
//! goes to the API as it is, so what the page checks is what the API
//! imports, all or nothing.
//!
//! Importing is a write: roles without `Write` get a 403 page (the API
//! refuses them anyway).

use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::session::WebUser;
use crate::AppState;
use crate::import::feedback::{Field, MAX_FILE_BYTES, MAX_ROWS};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use keel_domain::Permission;
use keel_domain::insight::FeedbackSource;
use keel_store::repo;

#[derive(Template)]
#[template(path = "feedback_import.html")]
struct ImportPage {
    chrome: Chrome,
    product_name: String,
    /// The fields a column can feed, as the API names them, comma-separated.
    fields: String,
    sources: Vec<&'static str>,
    max_mb: usize,
    max_rows: usize,
}

impl ImportPage {
    /// "customer_email" → "customer email".
    fn human(&self, word: &str) -> String {
        super::inbox::human(word)
    }
}

pub async fn import_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product_key)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (mut chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Import feedback", "feedback").await?;
    let product = repo::products::get(app.store.db(), &access.workspace.id, &product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    if !access.role.allows(Permission::Write) {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Importing feedback needs a role that may change the workspace.".into(),
        ));
    }
    chrome.product = product.key.clone();
    chrome.title = format!("Import feedback into {}", product.name);
    page(&ImportPage {
        chrome,
        product_name: product.name,
        fields: Field::ALL.map(Field::as_str).join(","),
        sources: FeedbackSource::ALL.iter().map(|s| s.as_str()).collect(),
        max_mb: MAX_FILE_BYTES / (1024 * 1024),
        max_rows: MAX_ROWS,
    })
}
