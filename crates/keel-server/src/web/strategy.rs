//! A product's vision and strategy on the web, `/w/{ws}/p/{product}/strategy`:
//! the current text, an editor for writers (each save a new version, named
//! against the version it started from), the history with who changed what
//! and why, and a comparison of any two versions (`?from=&to=`, the latest
//! change when only the history link is followed). `strategy.js` saves
//! through the JSON API.

use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::markdown;
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::strategy as api;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use keel_api_types::{StrategyComparison, StrategyVersion};
use keel_domain::model::Product;
use keel_store::repo;
use serde::Deserialize;

/// `?from=&to=`: the versions to compare, by number.
#[derive(Debug, Default, Deserialize)]
pub struct CompareParams {
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Template)]
#[template(path = "strategy.html")]
struct StrategyPage {
    chrome: Chrome,
    product: Product,
    current: StrategyVersion,
    vision_html: String,
    strategy_html: String,
    history: Vec<StrategyVersion>,
    comparison: Option<StrategyComparison>,
}

pub async fn strategy_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product_key)): Path<(String, String)>,
    Query(params): Query<CompareParams>,
) -> Result<Response, PageError> {
    let (mut chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Strategy", "strategy").await?;
    let ws_id = access.workspace.id.as_str();
    let product = repo::products::get(app.store.db(), ws_id, &product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} vision and strategy", product.name);
    let current = api::current(app.store.db(), ws_id, &product).await?;
    let history = api::history(app.store.db(), ws_id, &product).await?;
    // A number that does not parse compares nothing rather than failing the
    // page: the links here only ever carry numbers.
    let number = |s: &Option<String>| s.as_deref().and_then(|n| n.trim().parse::<i64>().ok());
    let comparison = match (number(&params.from), number(&params.to)) {
        (None, None) => None,
        (from, to) => api::comparison(&app.store, ws_id, &product, from, to)
            .await
            .ok(),
    };
    page(&StrategyPage {
        chrome,
        vision_html: markdown::render(&current.vision),
        strategy_html: markdown::render(&current.strategy),
        product,
        current,
        history,
        comparison,
    })
}
