//! Technical feasibility on the web: a feature's risk, cost and
//! dependencies on its page (plain HTML forms, posted with the CSRF token
//! and applied through the same code as `PATCH …/features/{id}`), and a
//! product's tech-debt items, riskiest first.

use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::inbox::human;
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::features::{DependencyChange, apply_patch, change_dependency};
use crate::error::{ApiError, ApiResult};
use crate::extract::WorkspaceCtx;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use keel_api_types::{Feature, FeatureCost, FeaturePatch};
use keel_domain::feasibility::{self, Cost, Risk, holds_back};
use keel_store::repo;
use keel_store::repo::feature_dependencies as deps;
use serde::Deserialize;

/// A feature at the other end of a dependency.
pub struct DepRow {
    pub id: String,
    pub title: String,
    pub status: String,
    /// Not shipped while the feature that needs it is planned or started.
    pub held_back: bool,
}

/// What `feature_feasibility.html` shows.
pub struct FeasibilityView {
    pub risks: Vec<&'static str>,
    /// "2.5 person-months (RICE effort)", or empty when there is no effort.
    pub cost: String,
    pub depends: Vec<DepRow>,
    pub blocks: Vec<DepRow>,
    /// Features of the product this one may still depend on: `(id, title)`.
    pub candidates: Vec<(String, String)>,
    /// Field errors of a refused form: `(field, message)`.
    pub errors: Vec<(String, String)>,
}

/// A cost in words, saying where it comes from.
pub fn cost_text(c: &Option<FeatureCost>) -> String {
    match c {
        Some(c) if c.unit == "person_months" => {
            format!(
                "{} person-months (RICE effort)",
                super::prioritization::score(&Some(c.amount))
            )
        }
        Some(c) => format!("{} of 10 (effort rating)", c.amount),
        None => String::new(),
    }
}

impl FeasibilityView {
    /// Reads the dependencies of `stored`, filling `depends_on` and
    /// `blocks` on `feature` too.
    pub async fn load(
        app: &AppState,
        ws: &str,
        stored: &repo::features::Feature,
        feature: &mut Feature,
        errors: Vec<(String, String)>,
    ) -> Result<Self, PageError> {
        let on = deps::depends_on(app.store.db(), ws, &stored.id).await?;
        let by = deps::blocks(app.store.db(), ws, &stored.id).await?;
        feature.depends_on = on.iter().map(|d| d.id.clone()).collect();
        feature.blocks = by.iter().map(|d| d.id.clone()).collect();
        let mut candidates: Vec<(String, String)> =
            repo::features::list(app.store.db(), ws, Some(&stored.product_id), &[])
                .await?
                .into_iter()
                .filter(|f| f.id != stored.id && !feature.depends_on.contains(&f.id))
                .map(|f| (f.id, f.title))
                .collect();
        candidates.sort_by_key(|c| c.1.to_lowercase());
        let row = |d: deps::LinkedFeature, held_back: bool| DepRow {
            id: d.id,
            title: d.title,
            status: d.status,
            held_back,
        };
        Ok(FeasibilityView {
            risks: Risk::ALL.iter().map(|r| r.as_str()).collect(),
            cost: cost_text(&feature.cost),
            depends: on
                .into_iter()
                .map(|d| {
                    let held = holds_back(&stored.status, &d.status);
                    row(d, held)
                })
                .collect(),
            blocks: by.into_iter().map(|d| row(d, false)).collect(),
            candidates,
            errors,
        })
    }
}

/// The risk form of the feature page.
#[derive(Deserialize)]
pub struct RiskForm {
    csrf: String,
    #[serde(default)]
    risk: String,
    #[serde(default)]
    risk_note: String,
}

/// The dependency form: `add` a feature, or `remove` one.
#[derive(Deserialize)]
pub struct DependencyForm {
    csrf: String,
    #[serde(default)]
    add: Option<String>,
    #[serde(default)]
    remove: Option<String>,
}

pub async fn risk_submit(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, String)>,
    Form(form): Form<RiskForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf, &headers)?;
    let risk = form.risk.trim();
    let patch = FeaturePatch {
        risk: Some((!risk.is_empty()).then(|| risk.to_string())),
        risk_note: Some(form.risk_note),
        ..FeaturePatch::default()
    };
    submit(&app, &user, &ws, &id, patch).await
}

pub async fn dependency_submit(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, String)>,
    Form(form): Form<DependencyForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf, &headers)?;
    let ctx = context(&app, &user, &ws).await?;
    let add = form.add.as_deref().map(str::trim).unwrap_or("");
    let remove = form.remove.as_deref().map(str::trim).unwrap_or("");
    if remove.is_empty() && add.is_empty() {
        let errors = vec![("depends_on".into(), "choose a feature to depend on".into())];
        return super::features::render_feature(&app, &user, &ws, &id, errors).await;
    }
    let change = if remove.is_empty() {
        DependencyChange::Add(add)
    } else {
        DependencyChange::Remove(remove)
    };
    let applied = change_dependency(&app, &ctx, &id, change).await;
    answer(&app, &user, &ctx, &id, applied).await
}

async fn context(app: &AppState, user: &WebUser, ws: &str) -> Result<WorkspaceCtx, PageError> {
    let access = repo::workspaces::access(app.store.db(), ws, &user.0.user.id)
        .await?
        .ok_or_else(|| not_found("workspace"))?;
    Ok(WorkspaceCtx {
        caller: user.0.clone(),
        workspace: access.workspace,
        role: access.role,
    })
}

/// Applies `patch` as the API would; back to the feature on success, the
/// page with the field errors (422) when refused.
async fn submit(
    app: &AppState,
    user: &WebUser,
    ws: &str,
    id: &str,
    patch: FeaturePatch,
) -> Result<Response, PageError> {
    let ctx = context(app, user, ws).await?;
    let applied = apply_patch(app, &ctx, id, None, &patch).await;
    answer(app, user, &ctx, id, applied).await
}

/// Back to the feature when `applied` succeeded, the page with the field
/// errors (422) when it was refused.
async fn answer(
    app: &AppState,
    user: &WebUser,
    ctx: &WorkspaceCtx,
    id: &str,
    applied: ApiResult<Feature>,
) -> Result<Response, PageError> {
    match applied {
        Ok(f) => Ok(Redirect::to(&format!(
            "/w/{}/features/{}#feasibility",
            ctx.workspace.slug, f.id
        ))
        .into_response()),
        Err(ApiError::Validation(errors)) => {
            let errors = errors.into_iter().map(|e| (e.field, e.message)).collect();
            super::features::render_feature(app, user, &ctx.workspace.slug, id, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// One tech-debt item of the view.
pub struct DebtRow {
    pub id: String,
    pub title: String,
    pub status: String,
    pub risk: Option<String>,
    pub risk_note: String,
    pub cost: String,
    /// `(key, title, status)` of the tasks linked to it.
    pub tasks: Vec<(String, String, String)>,
    rank: u8,
    amount: f64,
}

/// Riskiest first; then the costliest; then by title.
pub fn sort_debt(rows: &mut [DebtRow]) {
    rows.sort_by(|a, b| {
        a.rank
            .cmp(&b.rank)
            .then(b.amount.total_cmp(&a.amount))
            .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
    });
}

#[derive(Template)]
#[template(path = "tech_debt_items.html")]
struct TechDebtPage {
    chrome: Chrome,
    product_name: String,
    items: Vec<DebtRow>,
}

/// `/w/{ws}/p/{product}/tech-debt`: the product's tech-debt items with
/// cost, risk, status and linked tasks, high risk first.
pub async fn tech_debt_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product_key)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (mut chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Tech debt", "features").await?;
    let ws_id = access.workspace.id.as_str();
    let product = repo::products::get(app.store.db(), ws_id, &product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} tech debt", product.name);
    let features = repo::features::list_typed(
        app.store.db(),
        ws_id,
        Some(&product.id),
        &[],
        Some("tech_debt"),
    )
    .await?;
    let tasks = deps::tasks_of_type(app.store.db(), ws_id, &product.id, "tech_debt").await?;
    let mut items: Vec<DebtRow> = features
        .into_iter()
        .map(|f| {
            let cost = Cost::of(f.scores.rice_effort, f.scores.effort_rating);
            let wire = cost.map(|c| FeatureCost {
                amount: c.amount,
                unit: c.unit.as_str().to_string(),
            });
            DebtRow {
                tasks: tasks
                    .iter()
                    .filter(|t| t.feature_id == f.id)
                    .map(|t| {
                        (
                            format!("{}-{}", t.product_key, t.number),
                            t.title.clone(),
                            t.status.clone(),
                        )
                    })
                    .collect(),
                rank: feasibility::risk_rank(f.risk.as_deref()),
                // Person-months and 1–10 ratings are different scales; the
                // amount only breaks ties within one risk level.
                amount: cost.map_or(0.0, |c| c.amount),
                cost: cost_text(&wire),
                id: f.id,
                title: f.title,
                status: f.status,
                risk: f.risk,
                risk_note: f.risk_note,
            }
        })
        .collect();
    sort_debt(&mut items);
    page(&TechDebtPage {
        chrome,
        product_name: product.name,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(title: &str, risk: Option<&str>, amount: f64) -> DebtRow {
        DebtRow {
            id: title.into(),
            title: title.into(),
            status: "idea".into(),
            risk: risk.map(str::to_string),
            risk_note: String::new(),
            cost: String::new(),
            tasks: Vec::new(),
            rank: feasibility::risk_rank(risk),
            amount,
        }
    }

    #[test]
    fn riskiest_first_then_costliest() {
        let mut rows = vec![
            row("a", None, 9.0),
            row("b", Some("low"), 1.0),
            row("c", Some("high"), 1.0),
            row("d", Some("high"), 3.0),
            row("e", Some("medium"), 1.0),
        ];
        sort_debt(&mut rows);
        let order: Vec<&str> = rows.iter().map(|r| r.title.as_str()).collect();
        assert_eq!(order, ["d", "c", "e", "b", "a"]);
    }

    #[test]
    fn cost_says_where_it_comes_from() {
        let c = |amount: f64, unit: &str| {
            Some(FeatureCost {
                amount,
                unit: unit.into(),
            })
        };
        assert_eq!(
            cost_text(&c(2.5, "person_months")),
            "2.5 person-months (RICE effort)"
        );
        assert_eq!(
            cost_text(&c(7.0, "effort_points")),
            "7 of 10 (effort rating)"
        );
        assert_eq!(cost_text(&None), "");
    }
}
