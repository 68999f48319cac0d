//! The stakeholder update on the web, `/w/{ws}/p/{product}/update`: pick a
//! period, read the generated plain-language digest, edit its Markdown
//! before sending it, copy it or download it as a `.md` file (`update.js`,
//! all in the browser: the edited text is the PM's, not stored). The
//! digest is `api::v1::updates::update_of`, the same as the API's. Like
//! the decision log it names customers' demand and internal rationale, so
//! it needs the read-customers permission (guests never see it).

use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::updates::{UpdateQuery, update_of};
use crate::error::ApiError;
use crate::extract::WorkspaceCtx;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use keel_api_types::StakeholderUpdate;
use keel_domain::Permission;
use keel_domain::model::Product;
use keel_domain::time::Timestamp;
use keel_store::repo;
use serde::Deserialize;

/// `?since=&until=`: the period, YYYY-MM-DD (the digest's defaults when
/// left out).
#[derive(Debug, Default, Deserialize)]
pub struct PeriodParams {
    pub since: Option<String>,
    pub until: Option<String>,
}

#[derive(Template)]
#[template(path = "update.html")]
struct UpdatePage {
    chrome: Chrome,
    product: Product,
    /// The period as asked, to refill the form after an error.
    since: String,
    until: String,
    update: Option<StakeholderUpdate>,
    errors: Vec<(String, String)>,
}

pub async fn update_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product_key)): Path<(String, String)>,
    Query(params): Query<PeriodParams>,
) -> Result<Response, PageError> {
    let (mut chrome, access) = Chrome::for_workspace(&app, &user, &ws, "Update", "update").await?;
    if !access.role.allows(Permission::ReadCustomers) {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "The stakeholder update names customers and internal decisions; guests cannot see it."
                .into(),
        ));
    }
    let product = repo::products::get(app.store.db(), &access.workspace.id, &product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} stakeholder update", product.name);
    let ctx = WorkspaceCtx {
        caller: user.0.clone(),
        workspace: access.workspace.clone(),
        role: access.role,
    };
    let query = UpdateQuery {
        product: Some(product.key.clone()),
        since: params.since.clone(),
        until: params.until.clone(),
        format: None,
    };
    let (update, errors) = match update_of(&app, &ctx, &query, Timestamp::now().date()).await {
        Ok(u) => (Some(u), Vec::new()),
        Err(e @ ApiError::Validation(_)) => {
            let problem = e.to_problem();
            let errors = problem
                .errors
                .into_iter()
                .map(|f| (f.field, f.message))
                .collect();
            (None, errors)
        }
        Err(e) => return Err(e.into()),
    };
    page(&UpdatePage {
        chrome,
        since: update
            .as_ref()
            .map(|u| u.since.clone())
            .or(params.since)
            .unwrap_or_default(),
        until: update
            .as_ref()
            .map(|u| u.until.clone())
            .or(params.until)
            .unwrap_or_default(),
        product,
        update,
        errors,
    })
}
