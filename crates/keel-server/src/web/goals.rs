//! Goals on the web: a product's objectives with their key results
//! (`/w/{ws}/p/{product}/goals`) — progress, health, forecast — and one
//! goal's page (`/w/{ws}/goals/{id}`) with its chart drawn on the server
//! (`goal_chart.rs`), its check-ins, and its SMART check, each missing
//! part named with why it matters.
//!
//! The computed fields come from the same function the API answers with
//! (`api::v1::goals::goal`), so the page and the API never disagree.
//! Everyone in the workspace reads; members also see the forms. New goals
//! and check-ins go through `goals.js` to the JSON API; editing a goal and
//! the initiatives (`initiatives.rs`) are plain forms posted here, checked
//! by the API's own functions. A goal's page also lists what moves it
//! (`goal_work.rs`).

use super::burnup::{NARROW, WIDE};
use super::chrome::Chrome;
use super::error::{PageError, not_found};
use super::goal_chart::{self, GoalChart};
use super::goal_work::{GoalInitiative, MovingFeature};
use super::inbox::human;
use super::initiatives::{InitiativeItem, initiatives_of_product};
use super::plan_forms::{GoalForm, InitiativeDraft, InitiativeForm, field, number};
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::goals::{checkin, goal, input, linked_work};
use crate::error::ApiError;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_api_types::{Checkin, Goal, GoalPatch};
use keel_domain::Permission;
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
    initiatives: Vec<InitiativeItem>,
    new_initiative: InitiativeForm,
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
    Ok(Html(render_goals(&app, &user, &ws, &product_key, None).await?).into_response())
}

/// The goals page; `draft` shows a refused initiative form again.
pub async fn render_goals(
    app: &AppState,
    user: &WebUser,
    ws: &str,
    product_key: &str,
    draft: Option<InitiativeDraft>,
) -> Result<String, PageError> {
    let (mut chrome, access) = Chrome::for_workspace(app, user, ws, "Goals", "goals").await?;
    let ws_id = access.workspace.id.as_str();
    let product = repo::products::get(app.store.db(), ws_id, product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} goals", product.name);
    let all = wire_goals(app, ws_id, Some(&product.id)).await?;
    let (initiatives, mut new_initiative) =
        initiatives_of_product(app, ws, ws_id, &product.id, &all, draft).await?;
    new_initiative.action = format!("/w/{ws}/p/{}/initiatives", product.key);
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
    Ok(GoalsPage {
        members: members(app, ws_id).await?,
        chrome,
        product,
        objectives,
        initiatives,
        new_initiative,
    }
    .render()?)
}

/// A missing SMART part and why it matters.
pub struct SmartGap {
    pub field: &'static str,
    pub reason: &'static str,
}

/// A key result on its objective's page, with its edit form.
pub struct KeyResultRow {
    pub card: GoalCard,
    pub form: GoalForm,
}

#[derive(Template)]
#[template(path = "goal.html")]
struct GoalPage {
    chrome: Chrome,
    product_name: String,
    card: GoalCard,
    parent: Option<Goal>,
    key_results: Vec<KeyResultRow>,
    smart: Vec<SmartGap>,
    wide: Option<GoalChart>,
    narrow: Option<GoalChart>,
    chart_desc: String,
    checkins: Vec<Checkin>,
    today: String,
    moving: Vec<MovingFeature>,
    initiatives: Vec<GoalInitiative>,
    form: GoalForm,
    /// The edit form starts open (a refused save of it).
    form_open: bool,
}

pub async fn goal_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    Ok(Html(render_goal(&app, &user, &ws, &id, None).await?).into_response())
}

/// What a refused edit typed, to show again: `(the submitted form, the
/// errors)`.
type Refused<'a> = (&'a [(String, String)], Vec<(String, String)>);

/// A goal's page; `refused` refills its edit form.
async fn render_goal(
    app: &AppState,
    user: &WebUser,
    ws: &str,
    id: &str,
    refused: Option<Refused<'_>>,
) -> Result<String, PageError> {
    let (mut chrome, access) = Chrome::for_workspace(app, user, ws, "Goal", "goals").await?;
    let ws_id = access.workspace.id.as_str();
    let row = store::get(app.store.db(), ws_id, id)
        .await?
        .ok_or_else(|| not_found("goal"))?;
    let product = repo::products::get(app.store.db(), ws_id, &row.product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = row.title.clone();
    let all = wire_goals(app, ws_id, Some(&product.id)).await?;
    let this = all
        .iter()
        .find(|g| g.id == row.id)
        .cloned()
        .ok_or_else(|| not_found("goal"))?;
    let parent = this
        .parent
        .as_ref()
        .and_then(|p| all.iter().find(|g| &g.id == p).cloned());
    let people: Vec<(String, String)> = members(app, ws_id)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let key_results: Vec<KeyResultRow> = all
        .iter()
        .filter(|k| k.parent.as_deref() == Some(row.id.as_str()))
        .cloned()
        .map(|k| KeyResultRow {
            form: GoalForm::of(ws, &k, &people, &row.id),
            card: GoalCard::of(k),
        })
        .collect();
    let kr_ids: Vec<(String, String)> = key_results
        .iter()
        .map(|k| (k.card.goal.id.clone(), k.card.goal.title.clone()))
        .collect();
    let moving = super::goal_work::moving(app, ws_id, &row.id, &kr_ids).await?;
    let initiatives = super::goal_work::initiatives_of(app, ws_id, &product.id, &row.id).await?;
    let mut form = GoalForm::of(ws, &this, &people, "");
    let form_open = refused.is_some();
    if let Some((typed, errors)) = refused {
        form.typed(typed, &people, errors);
    }
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
    Ok(GoalPage {
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
        moving,
        initiatives,
        form,
        form_open,
    }
    .render()?)
}

/// `POST /w/{ws}/goals/{id}`: edit a goal from its page (or a key result
/// from its objective's page, `from`). Blank numbers, deadline or owner
/// clear them, as `null` does in the API.
pub async fn edit_goal_submit(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    user.check_form(field(&form, "csrf"), &headers)?;
    let (_, access) = Chrome::for_workspace(&app, &user, &ws, "Goal", "goals").await?;
    let ws_id = access.workspace.id.as_str();
    let current = store::get(app.store.db(), ws_id, &id)
        .await?
        .ok_or_else(|| not_found("goal"))?;
    if !access.role.allows(Permission::Write) {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Your role in this workspace cannot change goals.".into(),
        ));
    }
    let mut errors = Vec::new();
    let baseline = number(&form, "baseline", &mut errors);
    let target = number(&form, "target", &mut errors);
    let text = |name: &str| Some(field(&form, name).trim().to_string()).filter(|s| !s.is_empty());
    let patch = GoalPatch {
        title: Some(field(&form, "title").to_string()),
        metric: Some(field(&form, "metric").to_string()),
        baseline,
        target,
        unit: Some(field(&form, "unit").to_string()),
        deadline: Some(text("deadline")),
        owner: Some(text("owner")),
        ..GoalPatch::default()
    };
    let expected = field(&form, "version").parse::<i64>().ok();
    // A number that is not one refuses the whole edit before anything is
    // written (browsers' number inputs rarely let one through).
    let result = if errors.is_empty() {
        crate::api::v1::goals::update(&app, ws_id, &id, expected, &patch)
            .await
            .map(|_| ())
    } else {
        Err(ApiError::Validation(Vec::new()))
    };
    let (status, errors) = match result {
        Ok(()) => {
            // Back to the objective's page when edited there.
            let from = field(&form, "from");
            let back =
                if from == current.parent_id.as_deref().unwrap_or_default() && !from.is_empty() {
                    from
                } else {
                    id.as_str()
                };
            return Ok(Redirect::to(&format!("/w/{ws}/goals/{back}")).into_response());
        }
        Err(ApiError::Validation(found)) => {
            errors.extend(found.into_iter().map(|e| (e.field, e.message)));
            (StatusCode::UNPROCESSABLE_ENTITY, errors)
        }
        Err(ApiError::PreconditionFailed) => (
            StatusCode::PRECONDITION_FAILED,
            vec![(
                "version".to_string(),
                "someone else changed this goal since you opened the page; \
                 the form shows what you typed, the page their version"
                    .to_string(),
            )],
        ),
        Err(e) => return Err(e.into()),
    };
    let html = render_goal(&app, &user, &ws, &id, Some((&form, errors))).await?;
    Ok((status, Html(html)).into_response())
}
