//! Features on the web: a product's features ranked by customer demand,
//! and one feature's page with the evidence behind it — the quotes, who
//! said them, what their companies are worth — and who to tell when it
//! ships. `features.js` creates and edits through the JSON API.

use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::inbox::human;
use super::prioritization::{self, HistoryLine, Matrix, Rated, score};
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::feature_scores;
use crate::api::v1::features::{customer_of, demand_by_feature, feature};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use keel_api_types::{Feature, FeedbackCustomer};
use keel_domain::Permission;
use keel_domain::insight::{FeatureStatus, FeatureType};
use keel_store::repo;

/// Formats an ARR figure for people: 1,250,000 → "1.25M", 980 → "980".
pub fn money(v: f64) -> String {
    let (n, unit) = if v >= 1e6 {
        (v / 1e6, "M")
    } else if v >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let s = format!("{n:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}{unit}")
}

#[derive(Template)]
#[template(path = "features.html")]
struct FeaturesPage {
    chrome: Chrome,
    product_name: String,
    features: Vec<Feature>,
    sorts: [(&'static str, &'static str); 6],
    sort: &'static str,
    sort_note: &'static str,
    /// `?type=`, when the list shows one feature type only.
    feature_type: Option<&'static str>,
    /// In manual order, writers can drag rows and move them up or down.
    manual: bool,
    chart: Matrix,
}

/// `?sort=` on the features page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct FeaturesQuery {
    pub sort: Option<String>,
    /// One feature type only (`tech_debt`, …); unknown types show all.
    #[serde(rename = "type")]
    pub feature_type: Option<String>,
}

/// What the chosen order means, under the selector.
fn sort_note(sort: &str) -> &'static str {
    match sort {
        "rice" => {
            "By RICE: reach × impact × confidence ÷ effort, highest first; unscored features last."
        }
        "wsjf" => {
            "By WSJF: (business value + time criticality + risk reduction) ÷ job size, highest first; unscored features last."
        }
        "value_effort" => {
            "By value ÷ effort (both rated 1–10), highest first; unrated features last."
        }
        "manual" => {
            "In the order set by hand. Drag a row, or use its arrows, to move it; say why, and the reason is kept in the feature's score history."
        }
        "newest" => "Newest first.",
        _ => {
            "Ranked by demand: the importance of every linked piece of feedback (nice to have 1, important 2, critical 3), then the revenue of the companies behind it."
        }
    }
}

pub async fn features_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product_key)): Path<(String, String)>,
    Query(q): Query<FeaturesQuery>,
) -> Result<Response, PageError> {
    let (mut chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Features", "features").await?;
    let ws_id = access.workspace.id.as_str();
    let product = repo::products::get(app.store.db(), ws_id, &product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} features", product.name);
    let feature_type = q
        .feature_type
        .as_deref()
        .and_then(|t| FeatureType::parse("type", t.trim()).ok())
        .map(|t| t.as_str());
    let rows =
        repo::features::list_typed(app.store.db(), ws_id, Some(&product.id), &[], feature_type)
            .await?;
    let mut demands =
        demand_by_feature(&repo::features::evidence(app.store.db(), ws_id, None).await?);
    let mut features: Vec<Feature> = rows
        .iter()
        .map(|f| feature(f, demands.remove(&f.id).unwrap_or_default()))
        .collect();
    // The API's own orders, so the page and `GET …/features?sort=` agree.
    let sort = prioritization::sort_of(q.sort.as_deref());
    feature_scores::sort(&mut features, sort);
    let rated: Vec<Rated<'_>> = features.iter().map(Rated::of).collect();
    let chart = prioritization::matrix(&rated);
    let manual = sort == "manual" && chrome.can_write();
    page(&FeaturesPage {
        chrome,
        product_name: product.name,
        features,
        sorts: prioritization::SORTS,
        sort,
        sort_note: sort_note(sort),
        feature_type,
        manual,
        chart,
    })
}

/// A quote on the feature page.
pub struct Quote {
    pub feedback_id: String,
    pub excerpt: String,
    pub importance: String,
    pub who: String,
    pub company: String,
    pub arr: String,
}

#[derive(Template)]
#[template(path = "feature.html")]
struct FeaturePage {
    chrome: Chrome,
    product_name: String,
    feature: Feature,
    can_see_customers: bool,
    quotes: Vec<Quote>,
    notify: Vec<FeedbackCustomer>,
    statuses: Vec<&'static str>,
    types: Vec<&'static str>,
    /// Shown by `feature_decisions.html`.
    decisions: Vec<keel_api_types::Decision>,
    score_form: prioritization::ScoreForm,
    impacts: [(&'static str, &'static str); 5],
    moscows: [(&'static str, &'static str); 4],
    history: Vec<HistoryLine>,
    /// Risk, cost and dependencies (`feature_feasibility.html`).
    feasibility: super::feasibility::FeasibilityView,
}

pub async fn feature_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    render_feature(&app, &user, &ws, &id, Vec::new()).await
}

/// The feature page, with the field errors of a refused risk or
/// dependency form (then answered 422).
pub(crate) async fn render_feature(
    app: &AppState,
    user: &WebUser,
    ws: &str,
    id: &str,
    errors: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let (mut chrome, access) = Chrome::for_workspace(app, user, ws, "Feature", "features").await?;
    let ws_id = access.workspace.id.as_str();
    let stored = repo::features::get(app.store.db(), ws_id, id)
        .await?
        .ok_or_else(|| not_found("feature"))?;
    let rows = repo::features::evidence(app.store.db(), ws_id, Some(&stored.id)).await?;
    let demand = demand_by_feature(&rows)
        .remove(&stored.id)
        .unwrap_or_default();
    let product = repo::products::get(app.store.db(), ws_id, &stored.product_key).await?;
    chrome.product = stored.product_key.clone();
    chrome.title = stored.title.clone();
    let can_see_customers = access.role.allows(Permission::ReadCustomers);
    let (mut quotes, mut notify) = (Vec::new(), Vec::<FeedbackCustomer>::new());
    if can_see_customers {
        for r in &rows {
            quotes.push(Quote {
                feedback_id: r.feedback_id.clone(),
                excerpt: r.excerpt.clone(),
                importance: r.importance.clone(),
                who: r
                    .customer_name
                    .clone()
                    .unwrap_or_else(|| "Anonymous".into()),
                company: r.company_name.clone().unwrap_or_default(),
                arr: r.company_arr.map(money).unwrap_or_default(),
            });
            if let Some(c) = customer_of(r)
                && !notify.iter().any(|n| n.id == c.id)
            {
                notify.push(c);
            }
        }
    }
    let history = repo::feature_scores::history(app.store.db(), ws_id, &stored.id).await?;
    let mut feature = feature(&stored, demand);
    let feasibility =
        super::feasibility::FeasibilityView::load(app, ws_id, &stored, &mut feature, errors)
            .await?;
    let refused = !feasibility.errors.is_empty();
    let mut res = page(&FeaturePage {
        chrome,
        product_name: product.map(|p| p.name).unwrap_or_default(),
        score_form: prioritization::ScoreForm::of(&feature),
        impacts: prioritization::IMPACTS,
        moscows: prioritization::MOSCOWS,
        history: prioritization::history(&history),
        feature,
        can_see_customers,
        quotes,
        notify,
        statuses: FeatureStatus::ALL
            .iter()
            .map(FeatureStatus::as_str)
            .collect(),
        types: FeatureType::ALL.iter().map(FeatureType::as_str).collect(),
        decisions: super::decisions::of_feature(app, &access, &stored.id).await?,
        feasibility,
    })?;
    if refused {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    #[test]
    fn money_reads_well() {
        assert_eq!(super::money(0.0), "0");
        assert_eq!(super::money(980.0), "980");
        assert_eq!(super::money(1250.5), "1.25k");
        assert_eq!(super::money(120_000.0), "120k");
        assert_eq!(super::money(1_250_000.0), "1.25M");
    }
}
