//! Goals on the web: a product's objectives with their key results
//! (`/w/{ws}/p/{product}/goals`) — progress, health, forecast — and one
//! goal's page (`/w/{ws}/goals/{id}`) with its chart drawn on the server
//! (`goal_chart.rs`), its check-ins, and its SMART check, each missing
//! part named with why it matters.
//!
//! The computed fields come from the same function the API answers with
//! (`api::v1::goals::goal`), so the page and the API never disagree.
//! Everyone in the workspace reads; members also see the forms, which
//! `goals.js` sends to the JSON API.

use super::burnup::{NARROW, WIDE};
use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::goal_chart::{self, GoalChart};
use super::inbox::human;
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::goals::{checkin, goal, input, linked_work};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{Checkin, Goal};
use keel_domain::goals as rules;
use keel_domain::model::PersonRef;
use keel_domain::model::Product;
use keel_domain::time::{Date, Timestamp};
use keel_store::repo;
use keel_store::repo::goals as store;

/// A number for people: at most two decimals, no trailing zeros. Takes
/// a value or a reference, as templates hand over either.
pub fn amount(v: impl std::borrow::Borrow<f64>) -> String {
    let v = *v.borrow();
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// A goal as a card shows it.
pub struct GoalCard {
    pub goal: Goal,
    /// Progress in whole percent, when measurable.
    pub percent: Option<i64>,
    /// "42 NPS", or "—" with nothing measured.
    pub current: String,
    pub target: String,
    pub forecast: Option<String>,
}

impl GoalCard {
    fn of(goal: Goal) -> GoalCard {
        let with_unit = |v: f64| {
            if goal.unit.is_empty() {
                amount(v)
            } else {
                format!("{} {}", amount(v), goal.unit)
            }
        };
        GoalCard {
            percent: goal.progress.map(|p| (p * 100.0).round() as i64),
            current: goal
                .current
                .or(goal.baseline)
                .map_or_else(|| "—".to_string(), with_unit),
            target: goal.target.map_or_else(|| "—".to_string(), with_unit),
            forecast: goal.forecast.map(with_unit),
            goal,
        }
    }

    /// The health for people: "on track".
    pub fn health(&self) -> String {
        human(&self.goal.health)
    }
}

/// An objective with its key results.
pub struct Objective {
    pub card: GoalCard,
    pub key_results: Vec<GoalCard>,
}

#[derive(Template)]
#[template(path = "goals.html")]
struct GoalsPage {
    chrome: Chrome,
    product: Product,
    objectives: Vec<Objective>,
    members: Vec<PersonRef>,
}

/// The workspace's active members, for the owner pickers.
async fn members(app: &AppState, ws_id: &str) -> Result<Vec<PersonRef>, PageError> {
    Ok(repo::workspaces::members(app.store.db(), ws_id)
        .await?
        .into_iter()
        .filter(|m| m.active)
        .map(|m| m.user)
        .collect())
}

/// Today's date in UTC, which health and the chart are judged by.
fn today() -> Date {
    Timestamp::now().date()
}

/// The goals of a product (all of them when `None`) on the wire, each
/// objective listing its key results' ids.
async fn wire_goals(
    app: &AppState,
    ws_id: &str,
    product_id: Option<&str>,
) -> Result<Vec<Goal>, PageError> {
    let rows = store::list(app.store.db(), ws_id, product_id).await?;
    let checkins = store::checkins_of_product(app.store.db(), ws_id, product_id).await?;
    let mut work = linked_work(app.store.db(), ws_id).await?;
    let today = today();
    Ok(rows
        .iter()
        .map(|g| {
            let mine: Vec<store::Checkin> = checkins
                .iter()
                .filter(|c| c.goal_id == g.id)
                .cloned()
                .collect();
            let krs = rows
                .iter()
                .filter(|k| k.parent_id.as_deref() == Some(g.id.as_str()))
                .map(|k| k.id.clone())
                .collect();
            goal(g, &mine, krs, work.remove(&g.id).unwrap_or_default(), today)
        })
        .collect())
}

pub async fn goals_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product_key)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (mut chrome, access) = Chrome::for_workspace(&app, &user, &ws, "Goals", "goals").await?;
    let ws_id = access.workspace.id.as_str();
    let product = repo::products::get(app.store.db(), ws_id, &product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} goals", product.name);
    let all = wire_goals(&app, ws_id, Some(&product.id)).await?;
    let objectives = all
        .iter()
        .filter(|g| g.parent.is_none())
        .map(|o| Objective {
            card: GoalCard::of(o.clone()),
            key_results: all
                .iter()
                .filter(|k| k.parent.as_deref() == Some(o.id.as_str()))
                .cloned()
                .map(GoalCard::of)
                .collect(),
        })
        .collect();
    page(&GoalsPage {
        members: members(&app, ws_id).await?,
        chrome,
        product,
        objectives,
    })
}

/// A missing SMART part and why it matters.
pub struct SmartGap {
    pub field: &'static str,
    pub reason: &'static str,
}

#[derive(Template)]
#[template(path = "goal.html")]
struct GoalPage {
    chrome: Chrome,
    product_name: String,
    card: GoalCard,
    parent: Option<Goal>,
    key_results: Vec<GoalCard>,
    smart: Vec<SmartGap>,
    wide: Option<GoalChart>,
    narrow: Option<GoalChart>,
    chart_desc: String,
    checkins: Vec<Checkin>,
    today: String,
}

pub async fn goal_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (mut chrome, access) = Chrome::for_workspace(&app, &user, &ws, "Goal", "goals").await?;
    let ws_id = access.workspace.id.as_str();
    let row = store::get(app.store.db(), ws_id, &id)
        .await?
        .ok_or_else(|| not_found("goal"))?;
    let product = repo::products::get(app.store.db(), ws_id, &row.product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = row.title.clone();
    let all = wire_goals(&app, ws_id, Some(&product.id)).await?;
    let this = all
        .iter()
        .find(|g| g.id == row.id)
        .cloned()
        .ok_or_else(|| not_found("goal"))?;
    let parent = this
        .parent
        .as_ref()
        .and_then(|p| all.iter().find(|g| &g.id == p).cloned());
    let key_results = all
        .iter()
        .filter(|k| k.parent.as_deref() == Some(row.id.as_str()))
        .cloned()
        .map(GoalCard::of)
        .collect();
    let rows = store::checkins(app.store.db(), ws_id, &row.id).await?;
    let i = input(&row, &rows);
    let today = today();
    let smart = this
        .smart
        .missing
        .iter()
        .filter_map(|f| {
            rules::SMART_FIELDS
                .iter()
                .find(|k| **k == f.as_str())
                .map(|field| SmartGap {
                    field,
                    reason: rules::smart_reason(field),
                })
        })
        .collect();
    let card = GoalCard::of(this);
    let chart_desc = format!(
        "{} check-ins; now {}, target {}{}.",
        rows.len(),
        card.current,
        card.target,
        card.forecast
            .as_ref()
            .map(|f| format!(", forecast {f} by the deadline"))
            .unwrap_or_default()
    );
    page(&GoalPage {
        wide: goal_chart::build(&i, today, WIDE),
        narrow: goal_chart::build(&i, today, NARROW),
        chart_desc,
        checkins: rows.iter().rev().map(checkin).collect(),
        today: today.as_string(),
        product_name: product.name,
        chrome,
        card,
        parent,
        key_results,
        smart,
    })
}
