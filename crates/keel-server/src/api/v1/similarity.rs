//! Similar feedback and themes. With a model, the stored sentence
//! embeddings are compared (paraphrases are caught); without one, or for
//! feedback not embedded yet, TF-IDF word overlap is computed on the spot.
//! Both are linear scans over one product's feedback, which is fine for
//! the tens of thousands of items a product's inbox holds.

use super::feedback::with_links;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, WorkspaceCtx};
use crate::insight::MODEL_NAME;
use axum::extract::{Path, State};
use keel_api_types::{Problem, SimilarFeedback, SimilarList, Theme, ThemeList, ThemeWeek};
use keel_domain::Permission;
use keel_domain::time::Date;
use keel_insight::{LexicalIndex, ThemeOptions, from_bytes, similar_to, themes};
use keel_store::repo;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use utoipa::IntoParams;

/// Similar items returned.
const SIMILAR: usize = 5;
/// Most recent items considered for themes (clustering is quadratic).
const THEME_ITEMS: usize = keel_insight::MAX_CLUSTER_ITEMS;

/// The feedback most like this one, best first (at most 5, each with a
/// similarity from 0 to 1). `method` says whether the model or word
/// overlap ranked them.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/feedback/{id}/similar", tag = "feedback",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Feedback id")),
    responses((status = 200, body = SimilarList), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn similar_feedback(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<SimilarList>> {
    ctx.require(Permission::ReadCustomers)?;
    let ws = ctx.workspace.id.as_str();
    let target = super::feedback::find(app.store.db(), ws, &id).await?;
    let mut method = "lexical";
    let mut ranked: Vec<(String, f32)> = Vec::new();
    if app.insight.model().is_some() {
        let stored =
            repo::feedback::vectors_of_product(app.store.db(), &target.product_id, MODEL_NAME)
                .await?;
        let (ids, vectors) = decode(stored);
        if let Some(at) = ids.iter().position(|i| *i == target.id) {
            method = "model";
            ranked = similar_to(&vectors, at, SIMILAR)
                .into_iter()
                .map(|(i, s)| (ids[i].clone(), s))
                .collect();
        }
    }
    if method == "lexical" {
        let texts =
            repo::feedback::texts_of_product(app.store.db(), &target.product_id, true).await?;
        let refs: Vec<&str> = texts.iter().map(|(_, t, _)| t.as_str()).collect();
        let index = LexicalIndex::build(&refs);
        if let Some(at) = texts.iter().position(|(i, _, _)| *i == target.id) {
            ranked = similar_to(index.vectors(), at, SIMILAR)
                .into_iter()
                .map(|(i, s)| (texts[i].0.clone(), s))
                .collect();
        }
    }
    ranked.retain(|(_, s)| *s > 0.0);
    let ids: Vec<String> = ranked.iter().map(|(i, _)| i.clone()).collect();
    let rows = repo::feedback::get_many(app.store.db(), ws, &ids).await?;
    let full = with_links(app.store.db(), ws, &rows).await?;
    let by_id: HashMap<&str, &keel_api_types::Feedback> =
        full.iter().map(|f| (f.id.as_str(), f)).collect();
    let items = ranked
        .iter()
        .filter_map(|(i, s)| {
            by_id.get(i.as_str()).map(|f| SimilarFeedback {
                feedback: (*f).clone(),
                score: f64::from(s.clamp(0.0, 1.0)),
            })
        })
        .collect();
    Ok(axum::Json(SimilarList {
        items,
        method: method.to_string(),
    }))
}

/// Stored vectors as `(ids, vectors)`, skipping any that do not decode.
fn decode(stored: Vec<(String, Vec<u8>)>) -> (Vec<String>, Vec<Vec<f32>>) {
    stored
        .into_iter()
        .filter_map(|(id, bytes)| from_bytes(&bytes).ok().map(|v| (id, v)))
        .unzip()
}

/// `?product=` on the themes.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ThemeQuery {
    /// Product key.
    pub product: Option<String>,
}

/// The recurring themes of a product's open (not archived) feedback,
/// largest first: a label of the words that set the theme apart, the
/// members, and how many arrived each ISO week.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/feedback/themes", tag = "feedback",
    params(("ws" = String, Path, description = "Workspace slug"), ThemeQuery),
    responses((status = 200, body = ThemeList), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn feedback_themes(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<ThemeQuery>,
) -> ApiResult<axum::Json<ThemeList>> {
    ctx.require(Permission::ReadCustomers)?;
    let ws = ctx.workspace.id.as_str();
    let key = q
        .product
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| ApiError::field("product", "name the product (its key)"))?;
    let product = repo::products::get(app.store.db(), ws, key)
        .await?
        .ok_or_else(|| ApiError::field("product", "no product with this key in the workspace"))?;
    Ok(axum::Json(themes_of(&app, &product.id).await?))
}

/// The themes of a product's open feedback (the API's and the page's).
pub(crate) async fn themes_of(app: &AppState, product_id: &str) -> ApiResult<ThemeList> {
    let mut texts = repo::feedback::texts_of_product(app.store.db(), product_id, false).await?;
    // The most recent ones when there are more than clustering takes.
    if texts.len() > THEME_ITEMS {
        texts.drain(..texts.len() - THEME_ITEMS);
    }
    let mut method = "lexical";
    let found = if app.insight.model().is_some() {
        let stored =
            repo::feedback::vectors_of_product(app.store.db(), product_id, MODEL_NAME).await?;
        let (ids, vectors) = decode(stored);
        let at: HashMap<&str, usize> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        // Only items with a vector take part; the rest join as they are embedded.
        texts.retain(|(id, _, _)| at.contains_key(id.as_str()));
        if texts.is_empty() {
            None
        } else {
            method = "model";
            let chosen: Vec<Vec<f32>> = texts
                .iter()
                .map(|(id, _, _)| vectors[at[id.as_str()]].clone())
                .collect();
            let refs: Vec<&str> = texts.iter().map(|(_, t, _)| t.as_str()).collect();
            Some(
                themes(&chosen, &refs, &ThemeOptions::model())
                    .map_err(|e| ApiError::Internal(e.to_string()))?,
            )
        }
    } else {
        None
    };
    let found = match found {
        Some(f) => f,
        None => {
            if method == "lexical" && app.insight.model().is_some() {
                texts = repo::feedback::texts_of_product(app.store.db(), product_id, false).await?;
                if texts.len() > THEME_ITEMS {
                    texts.drain(..texts.len() - THEME_ITEMS);
                }
            }
            let refs: Vec<&str> = texts.iter().map(|(_, t, _)| t.as_str()).collect();
            let index = LexicalIndex::build(&refs);
            themes(index.vectors(), &refs, &ThemeOptions::lexical())
                .map_err(|e| ApiError::Internal(e.to_string()))?
        }
    };
    let items = found
        .themes
        .iter()
        .map(|t| Theme {
            label: t.label.clone(),
            count: t.members.len() as i64,
            feedback_ids: t.members.iter().map(|&i| texts[i].0.clone()).collect(),
            trend: weekly(t.members.iter().map(|&i| texts[i].2.as_str())),
        })
        .collect();
    Ok(ThemeList {
        items,
        method: method.to_string(),
    })
}

/// Counts per ISO week (`2026-W09`), oldest first.
fn weekly<'a>(days: impl Iterator<Item = &'a str>) -> Vec<ThemeWeek> {
    let mut weeks: BTreeMap<String, i64> = BTreeMap::new();
    for day in days {
        if let Ok(d) = Date::parse("received_on", day) {
            let (year, week, _) = d.inner().to_iso_week_date();
            *weeks.entry(format!("{year}-W{week:02}")).or_default() += 1;
        }
    }
    weeks
        .into_iter()
        .map(|(week, count)| ThemeWeek { week, count })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn weeks_are_iso_weeks_oldest_first() {
        let w = super::weekly(
            [
                "2026-03-04",
                "2026-03-02",
                "2026-01-01",
                "2025-12-29",
                "bad",
            ]
            .into_iter(),
        );
        let got: Vec<(String, i64)> = w.into_iter().map(|t| (t.week, t.count)).collect();
        // 2025-12-29 and 2026-01-01 are both in ISO week 2026-W01.
        assert_eq!(
            got,
            [("2026-W01".to_string(), 2), ("2026-W10".to_string(), 2)]
        );
    }
}
