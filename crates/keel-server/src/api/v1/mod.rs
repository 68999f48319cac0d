//! Version 1 of the JSON API: one module per resource.

pub mod accounts;
pub mod audit;
pub mod bulk;
pub mod comments;
pub(crate) mod convert;
pub mod customers;
pub mod cycles;
pub mod decisions;
pub mod events;
pub(crate) mod feature_deps;
pub(crate) mod feature_goals;
pub mod feature_scores;
pub mod features;
pub mod feedback;
pub mod goals;
pub mod ideas;
pub mod imports;
pub mod initiatives;
pub mod interviews;
pub mod journeys;
pub mod market;
pub mod my_day;
pub mod notifications;
mod paging;
pub mod products;
pub mod release_ship;
pub mod releases;
pub mod roadmaps;
pub mod search;
pub mod similarity;
pub mod stories;
pub mod strategy;
pub mod system;
pub mod task_why;
pub mod tasks;
pub mod tech_debt;
pub mod updates;
pub mod views;
pub mod workspace_export;
pub mod workspaces;

pub(crate) use paging::{page_by, page_of};
use serde::Deserialize;
use utoipa::IntoParams;

/// `?limit=&cursor=` on every list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The workspace's product with this key (or id), or `None` with an error
/// naming `product` pushed to `errors`, so a request reports every bad field
/// at once.
pub(crate) async fn product_field(
    db: keel_store::Db<'_>,
    workspace_id: &str,
    key: &str,
    errors: &mut keel_domain::ValidationErrors,
) -> Result<Option<keel_domain::model::Product>, crate::error::ApiError> {
    let product = keel_store::repo::products::get(db, workspace_id, key.trim()).await?;
    if product.is_none() {
        errors.push(keel_domain::FieldError::new(
            "product",
            "no product with this key in the workspace",
        ));
    }
    Ok(product)
}

/// The id of the product a list is filtered by (`?product=KEY`): `None`
/// when not given (or blank), and when unknown, with an error naming
/// `product` pushed to `errors` — a filter naming nothing would otherwise
/// look like an empty list.
pub(crate) async fn product_filter(
    db: keel_store::Db<'_>,
    workspace_id: &str,
    key: Option<&str>,
    errors: &mut keel_domain::ValidationErrors,
) -> Result<Option<String>, crate::error::ApiError> {
    match key.map(str::trim).filter(|k| !k.is_empty()) {
        Some(key) => Ok(product_field(db, workspace_id, key, errors)
            .await?
            .map(|p| p.id)),
        None => Ok(None),
    }
}

/// The values of a comma-separated filter (`?status=todo,in_progress`),
/// each checked with `parse` (errors name `field`), blanks dropped and a
/// repeated value kept once. Each value becomes one term of the query, so
/// repeats only add length: 1,100 of them once made SQLite refuse it.
pub(crate) fn filter_values<T>(
    errors: &mut keel_domain::ValidationErrors,
    field: &str,
    value: Option<&str>,
    parse: fn(&str, &str) -> Result<T, keel_domain::FieldError>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in value.unwrap_or("").split(',').map(str::trim) {
        if word.is_empty() || out.iter().any(|seen| seen == word) {
            continue;
        }
        if errors.check(parse(field, word)).is_some() {
            out.push(word.to_string());
        }
    }
    out
}

/// Checks `limit`, defaulting to 50.
pub(crate) fn page_limit(limit: Option<i64>) -> Result<i64, crate::error::ApiError> {
    match limit {
        None => Ok(50),
        Some(n) if (1..=500).contains(&n) => Ok(n),
        Some(_) => Err(crate::error::ApiError::field(
            "limit",
            "must be from 1 to 500",
        )),
    }
}

/// Checks a cursor for lists paged by id (tasks, comments, history): it
/// must be an id this server issued.
pub(crate) fn id_cursor(cursor: Option<&str>) -> Result<Option<&str>, crate::error::ApiError> {
    match cursor {
        Some(c) if !keel_domain::ids::looks_like_id(c) => Err(crate::error::ApiError::field(
            "cursor",
            "is not a cursor returned by this list (use next_cursor as given)",
        )),
        other => Ok(other),
    }
}
